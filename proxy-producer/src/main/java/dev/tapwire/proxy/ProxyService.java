package dev.tapwire.proxy;

import dev.tapwire.proxy.ca.CertificateAuthority;
import dev.tapwire.proxy.ca.LeafContextCache;
import dev.tapwire.proxy.capture.Capture;
import dev.tapwire.proxy.capture.FlowEventSink;
import dev.tapwire.proxy.capture.HeaderRedactor;
import dev.tapwire.proxy.server.ClientChannelInitializer;
import dev.tapwire.proxy.server.HostMatcher;
import dev.tapwire.proxy.server.ProxyContext;
import dev.tapwire.proxy.server.ProxyMetrics;
import dev.tapwire.proxy.server.Target;
import dev.tapwire.proxy.server.TlsEngine;
import dev.tapwire.proxy.server.UpstreamTls;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's data path as a service: the forward listener ({@code proxy.port}), the optional
 * reverse listener ({@code proxy.reverse.port}), the certificate authority and flow capture into a
 * {@link FlowEventSink}.
 *
 * <p>Lifecycle: {@link #start()} loads or creates the CA and the redaction secret in {@code
 * proxy.data.dir} and binds; {@link #close()} stops accepting, lets in-flight flows finish for
 * {@code proxy.shutdown.grace.ms}, then closes every connection and the event loops. The sink is
 * the caller's: it is not closed here (close it after this service).
 */
public final class ProxyService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ProxyService.class);

  private final ProxyConfig config;
  private final FlowEventSink sink;
  private final MeterRegistry meters;
  private final Clock clock;
  private EventLoopGroup group;
  private ExecutorService mintExecutor;
  private ChannelGroup channels;
  private Channel forwardChannel;
  private Channel reverseChannel;
  private CertificateAuthority authority;
  private volatile TlsEngine tlsEngine;
  private ProxyMetrics metrics;
  private boolean closed;

  /** A service on the system UTC clock. */
  public ProxyService(ProxyConfig config, FlowEventSink sink, MeterRegistry meters) {
    this(config, sink, meters, Clock.systemUTC());
  }

  /**
   * @param config validated settings
   * @param sink where captured events go (not closed by this service)
   * @param meters registry for the data-path meters
   * @param clock event times and certificate validity
   */
  public ProxyService(ProxyConfig config, FlowEventSink sink, MeterRegistry meters, Clock clock) {
    this.config = config;
    this.sink = sink;
    this.meters = meters;
    this.clock = clock;
  }

  /**
   * Loads or creates the CA and the redaction secret, then binds the listeners.
   *
   * @throws UncheckedIOException if the data directory or the upstream CA bundle cannot be used, or
   *     a port cannot be bound
   * @throws IllegalStateException if already started
   */
  public synchronized ProxyService start() {
    if (group != null) {
      throw new IllegalStateException("already started");
    }
    Path dataDir = config.dataDir();
    try {
      authority = CertificateAuthority.loadOrCreate(dataDir.resolve("ca"), clock);
      HeaderRedactor redactor =
          HeaderRedactor.loadOrCreate(
              dataDir.resolve("redaction.key"), config.getList(ProxyConfig.REDACT_HEADERS));
      String upstreamCa = config.getString(ProxyConfig.UPSTREAM_CA);
      TlsEngine tls = TlsEngine.choose(config.getString(ProxyConfig.TLS_ENGINE));
      SslContext upstreamTls =
          UpstreamTls.clientContext(
              upstreamCa.isEmpty() ? null : Path.of(upstreamCa), tls.provider());
      metrics = new ProxyMetrics(meters);
      Capture capture =
          new Capture(
              sink,
              redactor,
              config.proxyId(),
              clock,
              config.capturePolicy(),
              config.getLong(ProxyConfig.SSE_LINGER_MS),
              meters);
      mintExecutor =
          Executors.newFixedThreadPool(2, new DefaultThreadFactory("tapwire-leaf-mint", true));
      LeafContextCache leaves =
          new LeafContextCache(
              authority, config.getLong(ProxyConfig.LEAF_CACHE_SIZE), mintExecutor, tls.provider());
      channels = new DefaultChannelGroup("tapwire-proxy", GlobalEventExecutor.INSTANCE);
      ProxyContext context =
          new ProxyContext(
              capture,
              leaves,
              upstreamTls,
              metrics,
              channels,
              new HostMatcher(config.getList(ProxyConfig.MITM_HOSTS)),
              new HashSet<>(config.allowedConnectPorts()),
              Target.of(config.reverseUpstream()),
              config.getString(ProxyConfig.AUTH_USER),
              config.authPassword().value(),
              config.getInt(ProxyConfig.MAX_HEADER_BYTES),
              config.getInt(ProxyConfig.MAX_INITIAL_LINE_BYTES),
              config.getLong(ProxyConfig.IDLE_TIMEOUT_MS),
              config.getInt(ProxyConfig.CONNECT_TIMEOUT_MS),
              config.getInt(ProxyConfig.MAX_CONNECTIONS),
              tls.allocator());
      group =
          new MultiThreadIoEventLoopGroup(
              config.getInt(ProxyConfig.IO_THREADS),
              new DefaultThreadFactory("tapwire-proxy-io"),
              NioIoHandler.newFactory());
      String bind = config.getString(ProxyConfig.BIND_ADDRESS);
      forwardChannel =
          bind(context, false, new InetSocketAddress(bind, config.getInt(ProxyConfig.PORT)));
      int reversePort = config.getInt(ProxyConfig.REVERSE_PORT);
      if (reversePort >= 0) {
        reverseChannel = bind(context, true, new InetSocketAddress(bind, reversePort));
      }
      log.info(
          "Tapwire proxy listening on {} (reverse: {}), decrypting {} with the {} TLS engine",
          forwardChannel.localAddress(),
          reverseChannel == null
              ? "off"
              : reverseChannel.localAddress() + " -> " + config.reverseUpstream(),
          config.getList(ProxyConfig.MITM_HOSTS),
          tls);
      tlsEngine = tls;
      return this;
    } catch (IOException e) {
      close();
      throw new UncheckedIOException("cannot start the proxy: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new IllegalStateException("interrupted while binding", e);
    }
  }

  private Channel bind(ProxyContext context, boolean reverse, InetSocketAddress address)
      throws IOException, InterruptedException {
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childOption(ChannelOption.AUTO_READ, false)
            .childOption(ChannelOption.ALLOCATOR, context.allocator())
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, ProxyContext.WRITE_WATER_MARK)
            .childHandler(new ClientChannelInitializer(context, reverse));
    var future = bootstrap.bind(address).await();
    if (!future.isSuccess()) {
      throw new IOException(
          "cannot bind " + address + ": " + future.cause().getMessage(), future.cause());
    }
    return future.channel();
  }

  /** The forward listener's bound port. */
  public int port() {
    return ((InetSocketAddress) requireStarted().localAddress()).getPort();
  }

  /** The reverse listener's bound port, or -1 if it is off. */
  public int reversePort() {
    requireStarted();
    return reverseChannel == null
        ? -1
        : ((InetSocketAddress) reverseChannel.localAddress()).getPort();
  }

  /** The TLS engine chosen at start ({@code proxy.tls.engine}), or null before start. */
  public TlsEngine tlsEngine() {
    return tlsEngine;
  }

  /** The certificate authority (for {@code tapwire ca export} and {@code tapwire env}). */
  public CertificateAuthority certificateAuthority() {
    requireStarted();
    return authority;
  }

  /** HTTP flows in progress. */
  public int activeFlows() {
    return metrics == null ? 0 : metrics.activeFlowCount();
  }

  private Channel requireStarted() {
    if (forwardChannel == null) {
      throw new IllegalStateException("not started");
    }
    return forwardChannel;
  }

  /**
   * Stops accepting, waits up to {@code proxy.shutdown.grace.ms} for in-flight flows, then closes
   * all connections and the event loops. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (forwardChannel != null) {
      forwardChannel.close().awaitUninterruptibly();
    }
    if (reverseChannel != null) {
      reverseChannel.close().awaitUninterruptibly();
    }
    long deadline =
        System.nanoTime()
            + TimeUnit.MILLISECONDS.toNanos(config.getLong(ProxyConfig.SHUTDOWN_GRACE_MS));
    while (metrics != null && metrics.activeFlowCount() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (metrics != null && metrics.activeFlowCount() > 0) {
      log.warn("Closing with {} flows still in progress", metrics.activeFlowCount());
    }
    if (channels != null) {
      channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    if (group != null) {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    if (mintExecutor != null) {
      mintExecutor.shutdownNow();
    }
  }
}
