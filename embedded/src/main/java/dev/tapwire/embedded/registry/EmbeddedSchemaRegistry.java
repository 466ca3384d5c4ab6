package dev.tapwire.embedded.registry;

import com.sun.net.httpserver.HttpServer;
import dev.tapwire.registry.SchemaRegistry;
import dev.tapwire.schemas.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Confluent-compatible schema registry in this JVM: the Confluent REST subset (see {@link
 * RegistryHttpHandler}) over HTTP (JDK {@code HttpServer}), with its state in the compacted Kafka
 * topic {@value Topics#SCHEMAS}, so ids, versions and compatibility settings survive a restart.
 *
 * <pre>{@code
 * try (EmbeddedSchemaRegistry registry =
 *     new EmbeddedSchemaRegistry(broker.bootstrapServers(), new InetSocketAddress("127.0.0.1", 0))) {
 *   registry.start();
 *   String url = registry.url(); // "http://127.0.0.1:PORT"
 * }
 * }</pre>
 *
 * <p>{@link #start()} creates the topic if needed, reads it to its end to rebuild the state, then
 * binds. Every registration or configuration change is written to the topic and acknowledged before
 * the HTTP answer. One registry per topic (ids are allocated by this process). Not reusable after
 * {@link #close()}: create a new instance on the same broker to restart.
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);
  private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(30);
  private static final int HTTP_THREADS = 4;

  private final String bootstrapServers;
  private final InetSocketAddress bind;
  private final String topic;

  private KafkaRegistryStore store;
  private HttpServer server;
  private ExecutorService executor;
  private SchemaRegistry registry;
  private boolean closed;

  /**
   * A registry on the topic {@value Topics#SCHEMAS}, bound to {@code 127.0.0.1} on a free port.
   *
   * @param bootstrapServers Kafka bootstrap servers
   */
  public EmbeddedSchemaRegistry(String bootstrapServers) {
    this(bootstrapServers, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
  }

  /**
   * A registry on the topic {@value Topics#SCHEMAS}.
   *
   * @param bootstrapServers Kafka bootstrap servers
   * @param bind address and port to listen on (port 0 = a free port); use {@code 127.0.0.1} unless
   *     other hosts must reach it
   */
  public EmbeddedSchemaRegistry(String bootstrapServers, InetSocketAddress bind) {
    this(bootstrapServers, bind, Topics.SCHEMAS);
  }

  /**
   * A registry on a topic of your choice (for tests that need several independent registries).
   *
   * @param bootstrapServers Kafka bootstrap servers
   * @param bind address and port to listen on (port 0 = a free port)
   * @param topic the compacted topic holding the registry's state
   */
  public EmbeddedSchemaRegistry(String bootstrapServers, InetSocketAddress bind, String topic) {
    this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    this.bind = Objects.requireNonNull(bind, "bind");
    this.topic = Objects.requireNonNull(topic, "topic");
  }

  /**
   * Loads the state from the topic and starts serving HTTP.
   *
   * @throws IllegalStateException if already started or closed, or if Kafka cannot be read within
   *     30 s
   * @throws UncheckedIOException if the address cannot be bound
   */
  public synchronized void start() {
    if (closed || server != null) {
      throw new IllegalStateException("Registry already " + (closed ? "closed" : "started"));
    }
    long startNanos = System.nanoTime();
    store = new KafkaRegistryStore(bootstrapServers, topic, KAFKA_TIMEOUT, Clock.systemUTC());
    try {
      registry = new SchemaRegistry(store);
      server = HttpServer.create(bind, 0);
    } catch (IOException e) {
      store.close();
      throw new UncheckedIOException("Cannot bind schema registry to " + bind, e);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
    AtomicInteger threads = new AtomicInteger();
    executor =
        Executors.newFixedThreadPool(
            HTTP_THREADS,
            r -> {
              Thread t = new Thread(r, "schema-registry-http-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/", new RegistryHttpHandler(registry));
    server.start();
    LOG.info(
        "Schema registry at {} on topic {} started in {} ms",
        url(),
        topic,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
  }

  /**
   * The base URL, e.g. {@code http://127.0.0.1:8081} (a wildcard bind address is reported as
   * 127.0.0.1).
   *
   * @throws IllegalStateException before {@link #start()}
   */
  public synchronized String url() {
    if (server == null) {
      throw new IllegalStateException("Registry not started");
    }
    InetSocketAddress address = server.getAddress();
    String host =
        address.getAddress().isAnyLocalAddress()
            ? "127.0.0.1"
            : address.getAddress().getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return "http://" + host + ":" + address.getPort();
  }

  /**
   * The registry logic behind the HTTP API, for in-process use.
   *
   * @throws IllegalStateException before {@link #start()}
   */
  public synchronized SchemaRegistry registry() {
    if (registry == null) {
      throw new IllegalStateException("Registry not started");
    }
    return registry;
  }

  /** Stops serving HTTP and closes the Kafka producer. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (server != null) {
      server.stop(0);
    }
    if (executor != null) {
      executor.shutdownNow();
    }
    if (store != null) {
      store.close();
    }
  }
}
