package dev.tapwire.proxy.server;

import dev.tapwire.proxy.ca.LeafContextCache;
import dev.tapwire.proxy.capture.Capture;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.ssl.SslContext;
import java.util.Set;

/**
 * Everything the per-connection handlers share: limits, policy, capture, TLS contexts, metrics and
 * the group of open channels. Immutable after construction; safe to share across event loops.
 */
public final class ProxyContext {
  final Capture capture;
  final LeafContextCache leaves;
  final SslContext upstreamTls;
  final ProxyMetrics metrics;
  final ChannelGroup channels;
  final HostMatcher mitmHosts;
  final Set<Integer> allowedConnectPorts;
  final Target reverseTarget;
  final ProxyAuthenticator auth;
  final int maxHeaderBytes;
  final int maxInitialLineBytes;
  final long idleTimeoutMillis;
  final int connectTimeoutMillis;
  final int maxConnections;

  /** Buffers for every proxy channel: direct for OpenSSL, heap for the JDK engine. */
  private final ByteBufAllocator allocator;

  /**
   * @param capture flow capture
   * @param leaves leaf TLS contexts for decrypted hosts
   * @param upstreamTls verified client TLS context for upstream connections
   * @param metrics meters
   * @param channels every open client and upstream channel (closed on shutdown)
   * @param mitmHosts the MITM allow-list
   * @param allowedConnectPorts ports CONNECT may reach
   * @param reverseTarget where the reverse listener forwards
   * @param authUser Basic proxy-auth user, empty for none
   * @param authPassword Basic proxy-auth password
   * @param maxHeaderBytes header block limit, bytes
   * @param maxInitialLineBytes request/status line limit, bytes
   * @param idleTimeoutMillis idle limit per connection, milliseconds
   * @param connectTimeoutMillis upstream connect timeout, milliseconds
   * @param maxConnections concurrent client connection limit
   * @param allocator buffers for every proxy channel ({@link TlsEngine#allocator()})
   */
  public ProxyContext(
      Capture capture,
      LeafContextCache leaves,
      SslContext upstreamTls,
      ProxyMetrics metrics,
      ChannelGroup channels,
      HostMatcher mitmHosts,
      Set<Integer> allowedConnectPorts,
      Target reverseTarget,
      String authUser,
      String authPassword,
      int maxHeaderBytes,
      int maxInitialLineBytes,
      long idleTimeoutMillis,
      int connectTimeoutMillis,
      int maxConnections,
      ByteBufAllocator allocator) {
    this.allocator = allocator;
    this.capture = capture;
    this.leaves = leaves;
    this.upstreamTls = upstreamTls;
    this.metrics = metrics;
    this.channels = channels;
    this.mitmHosts = mitmHosts;
    this.allowedConnectPorts = Set.copyOf(allowedConnectPorts);
    this.reverseTarget = reverseTarget;
    this.auth = new ProxyAuthenticator(authUser, authPassword);
    this.maxHeaderBytes = maxHeaderBytes;
    this.maxInitialLineBytes = maxInitialLineBytes;
    this.idleTimeoutMillis = idleTimeoutMillis;
    this.connectTimeoutMillis = connectTimeoutMillis;
    this.maxConnections = maxConnections;
  }

  /** The buffer allocator for client and upstream channels. */
  public ByteBufAllocator allocator() {
    return allocator;
  }

  /**
   * Outbound bytes at which a proxy channel reports itself unwritable. The relay does not use
   * writability (it reads again when a write completes, so at most one read batch is in flight per
   * direction); Netty's default of 64 KiB made every 100 KB request body flip writability twice,
   * each time an event through the pipeline.
   */
  public static final WriteBufferWaterMark WRITE_WATER_MARK =
      new WriteBufferWaterMark(1024 * 1024, 2 * 1024 * 1024);

  /**
   * A bootstrap for an upstream channel on the client's event loop (so both channels of a flow
   * share one thread): NIO, AUTO_READ off, the engine's buffers, the configured connect timeout.
   */
  Bootstrap upstreamBootstrap(EventLoop loop) {
    return new Bootstrap()
        .group(loop)
        .channel(NioSocketChannel.class)
        .option(ChannelOption.AUTO_READ, false)
        .option(ChannelOption.ALLOCATOR, allocator)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WRITE_WATER_MARK)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis);
  }

  ClientHttpCodec newClientSideCodec() {
    return new ClientHttpCodec(decoderConfig());
  }

  UpstreamHttpCodec newUpstreamCodec() {
    return new UpstreamHttpCodec(decoderConfig());
  }

  private HttpDecoderConfig decoderConfig() {
    return new HttpDecoderConfig()
        .setMaxHeaderSize(maxHeaderBytes)
        .setMaxInitialLineLength(maxInitialLineBytes)
        .setMaxChunkSize(64 * 1024)
        .setValidateHeaders(true);
  }
}
