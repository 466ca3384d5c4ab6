package dev.tapwire.embedded.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntSupplier;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker running in this JVM: {@link KafkaRaftServer} in KRaft combined
 * mode ({@code broker,controller}), listening on {@code 127.0.0.1} only, with settings that make
 * transactions and Kafka Streams {@code exactly_once_v2} work on one broker (see {@link
 * BrokerSettings}).
 *
 * <p>The data directory is formatted on the first {@link #start()} (Kafka's {@code Formatter});
 * later starts on the same directory skip formatting and recover the existing topics and records.
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker broker =
 *     EmbeddedKafkaBroker.builder().dataDir(Path.of("data/kafka")).port(0).build()) {
 *   broker.start();
 *   String bootstrap = broker.bootstrapServers(); // "127.0.0.1:PORT"
 * }
 * }</pre>
 *
 * <p>Not reusable: after {@link #close()} build a new instance (on the same directory to restart).
 * Thread-safe: {@link #start()} and {@link #close()} are serialised.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

  /** How many times {@link #start()} chooses new ports after losing a bind race. */
  static final int MAX_BIND_ATTEMPTS = 5;

  private final Path dataDir;
  private final int requestedPort;
  private final Map<String, Object> overrides;
  private final Duration startupTimeout;
  private final Clock clock;
  private final IntSupplier portProbe;

  private State state = State.NEW;
  private KafkaRaftServer server;
  private int boundPort = -1;

  private enum State {
    NEW,
    RUNNING,
    CLOSED
  }

  private EmbeddedKafkaBroker(Builder builder) {
    this.dataDir = Objects.requireNonNull(builder.dataDir, "dataDir is required");
    this.requestedPort = builder.port;
    this.overrides = Map.copyOf(builder.properties);
    this.startupTimeout = builder.startupTimeout;
    this.clock = builder.clock;
    this.portProbe = builder.portProbe;
  }

  /** Returns a builder; {@link Builder#dataDir(Path)} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Formats the data directory if needed, starts the broker and controller, and returns once an
   * admin client's {@code describeCluster} lists this broker.
   *
   * <p>With port 0 the client and controller ports are chosen by bind-probing; if another process
   * takes a probed port before the broker binds it, the start is retried with new ports (up to
   * {@value #MAX_BIND_ATTEMPTS} attempts). A fixed port is never replaced.
   *
   * @throws IllegalStateException if already started or closed, if the ports cannot be bound, or if
   *     the broker does not answer within the startup timeout (default 60 s)
   * @throws UncheckedIOException if the data directory cannot be created
   */
  public synchronized void start() {
    if (state != State.NEW) {
      throw new IllegalStateException("Broker already " + state.name().toLowerCase(Locale.ROOT));
    }
    Instant deadline = clock.instant().plus(startupTimeout);
    try {
      boolean formatted =
          StorageFormat.formatIfNeeded(
              dataDir, BrokerSettings.NODE_ID, BrokerSettings.CONTROLLER_LISTENER);
      LOG.debug("{} data directory {}", formatted ? "Formatted" : "Reusing", dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create Kafka data directory " + dataDir, e);
    }
    startServerWithFreePorts();
    state = State.RUNNING;
    try {
      awaitBrokerAnswers(deadline);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    LOG.info("Kafka broker ready on {} (data directory {})", bootstrapServers(), dataDir);
  }

  private void startServerWithFreePorts() {
    if (requestedPort != 0 && !FreePorts.isFree(requestedPort)) {
      throw new IllegalStateException(
          "Kafka broker could not bind its listeners: port "
              + requestedPort
              + " on 127.0.0.1 is in use");
    }
    RuntimeException lastBindFailure = null;
    for (int attempt = 1; attempt <= MAX_BIND_ATTEMPTS; attempt++) {
      int brokerPort = requestedPort == 0 ? portProbe.getAsInt() : requestedPort;
      int controllerPort = portProbe.getAsInt();
      while (controllerPort == brokerPort) {
        controllerPort = portProbe.getAsInt();
      }
      Map<String, Object> props =
          BrokerSettings.build(dataDir, brokerPort, controllerPort, overrides);
      KafkaRaftServer candidate = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
      try {
        candidate.startup();
        server = candidate;
        boundPort = brokerPort;
        return;
      } catch (RuntimeException e) {
        shutdownQuietlyAfterFailedStart(candidate, e);
        if (!isBindFailure(e)) {
          throw new IllegalStateException("Kafka broker failed to start on " + dataDir, e);
        }
        LOG.debug(
            "Attempt {}: port {} or {} was taken, retrying", attempt, brokerPort, controllerPort);
        lastBindFailure = e;
      }
    }
    throw new IllegalStateException(
        "Kafka broker could not bind its listeners"
            + (requestedPort == 0 ? "" : " (port " + requestedPort + " is fixed)"),
        lastBindFailure);
  }

  private static void shutdownQuietlyAfterFailedStart(KafkaRaftServer candidate, Exception cause) {
    try {
      candidate.shutdown();
      candidate.awaitShutdown();
    } catch (RuntimeException shutdownFailure) {
      cause.addSuppressed(shutdownFailure);
    }
  }

  private static boolean isBindFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BindException) {
        return true;
      }
    }
    return false;
  }

  private void awaitBrokerAnswers(Instant deadline) {
    Map<String, Object> adminProps = new HashMap<>();
    adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    adminProps.put(AdminClientConfig.CLIENT_ID_CONFIG, "tapwire-embedded-readiness");
    try (Admin admin = Admin.create(adminProps)) {
      Exception last = null;
      while (clock.instant().isBefore(deadline)) {
        long remainingMs = Math.max(1, Duration.between(clock.instant(), deadline).toMillis());
        int attemptMs = (int) Math.min(remainingMs, 5_000);
        try {
          Collection<Node> nodes =
              admin
                  .describeCluster(new DescribeClusterOptions().timeoutMs(attemptMs))
                  .nodes()
                  .get(attemptMs, TimeUnit.MILLISECONDS);
          if (nodes.stream().anyMatch(n -> n.id() == BrokerSettings.NODE_ID)) {
            return;
          }
        } catch (ExecutionException | TimeoutException e) {
          last = e;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("Interrupted while waiting for the Kafka broker", e);
        }
        sleepBriefly();
      }
      throw new IllegalStateException(
          "Kafka broker on " + bootstrapServers() + " did not answer within " + startupTimeout,
          last);
    }
  }

  private static void sleepBriefly() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for the Kafka broker", e);
    }
  }

  /**
   * Returns {@code "127.0.0.1:PORT"}, the value for a client's {@code bootstrap.servers}.
   *
   * @throws IllegalStateException if the broker is not running
   */
  public synchronized String bootstrapServers() {
    return BrokerSettings.HOST + ":" + port();
  }

  /**
   * Returns the client listener's port.
   *
   * @throws IllegalStateException if the broker is not running
   */
  public synchronized int port() {
    if (state != State.RUNNING) {
      throw new IllegalStateException(
          "Broker is not running (" + state.name().toLowerCase(Locale.ROOT) + ")");
    }
    return boundPort;
  }

  /** Returns the data directory (formatted KRaft log directory). */
  public Path dataDir() {
    return dataDir;
  }

  /**
   * Shuts the broker down cleanly (controlled shutdown, logs flushed and closed, so the next start
   * on the same directory needs no log recovery) and waits for it. Idempotent; a broker that was
   * never started is only marked closed.
   */
  @Override
  public synchronized void close() {
    if (state == State.CLOSED) {
      return;
    }
    State previous = state;
    state = State.CLOSED;
    if (previous == State.RUNNING && server != null) {
      server.shutdown();
      server.awaitShutdown();
      server = null;
      LOG.info("Kafka broker on 127.0.0.1:{} stopped", boundPort);
    }
  }

  /** Builder for {@link EmbeddedKafkaBroker}. */
  public static final class Builder {
    private Path dataDir;
    private int port;
    private final Map<String, Object> properties = new HashMap<>();
    private Duration startupTimeout = Duration.ofSeconds(60);
    private Clock clock = Clock.systemUTC();
    private IntSupplier portProbe = FreePorts::probe;

    private Builder() {}

    /** The KRaft data directory (created if missing). Required. */
    public Builder dataDir(Path dataDir) {
      this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
      return this;
    }

    /** The client listener port on 127.0.0.1; 0 (the default) chooses a free port. */
    public Builder port(int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port must be 0..65535, was " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * Broker properties that replace Tapwire's defaults (Kafka names, e.g. {@code
     * "auto.create.topics.enable"}); applied last, so they can also replace listeners.
     */
    public Builder properties(Map<String, ?> properties) {
      this.properties.putAll(properties);
      return this;
    }

    /** How long {@link EmbeddedKafkaBroker#start()} waits for the broker to answer. */
    public Builder startupTimeout(Duration startupTimeout) {
      if (startupTimeout.isNegative() || startupTimeout.isZero()) {
        throw new IllegalArgumentException("startupTimeout must be positive");
      }
      this.startupTimeout = startupTimeout;
      return this;
    }

    /** The clock for the startup deadline (tests may pass a fixed or offset clock). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Where free ports come from; tests substitute a probe that first returns a taken port. */
    Builder portProbe(IntSupplier portProbe) {
      this.portProbe = Objects.requireNonNull(portProbe, "portProbe");
      return this;
    }

    /** Builds a broker that is not started yet. */
    public EmbeddedKafkaBroker build() {
      if (dataDir == null) {
        throw new IllegalStateException("dataDir is required");
      }
      return new EmbeddedKafkaBroker(this);
    }
  }
}
