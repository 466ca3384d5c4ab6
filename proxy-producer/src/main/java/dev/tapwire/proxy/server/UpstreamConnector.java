package dev.tapwire.proxy.server;

import dev.tapwire.avro.ErrorKind;
import dev.tapwire.avro.Termination;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslHandler;
import java.util.concurrent.TimeUnit;

/**
 * Sets up the proxyToServer connection of a flow for {@link ExchangeRelay}: a channel on the
 * client's event loop ({@link ProxyContext#upstreamBootstrap}: AUTO_READ off, {@code
 * proxy.connect.timeout.ms}) with the upstream pipeline {@code [tls] → http ({@link
 * UpstreamHttpCodec}) → relay (ServerToProxyHandler)}, then the TCP connect and, for TLS targets,
 * the handshake ({@link UpstreamTls}). Each step is reported to a {@link Listener}; the channel is
 * read only to let the TLS handshake complete.
 */
final class UpstreamConnector {

  /** Receives the steps of one connection attempt, on the event loop. */
  interface Listener {
    /**
     * Whether {@code ch} is still the upstream of the flow that asked for it. A stale channel is
     * closed if its connect completes, and ignored if its handshake does.
     */
    boolean isCurrent(Channel ch);

    /** TCP connected after {@code connectMicros} microseconds. */
    void connected(long connectMicros);

    /** The TLS handshake succeeded after {@code tlsMicros} microseconds. */
    void handshakeCompleted(long tlsMicros);

    /** The channel is ready for the proxyToServerRequest (after connect, or after TLS). */
    void ready();

    /** The connect or the handshake failed; {@code message} says what a person can do. */
    void failed(ErrorKind kind, Termination termination, String message);
  }

  private UpstreamConnector() {}

  /**
   * Starts connecting to {@code target}; the returned future's channel is the new upstream. Pass
   * the future to {@link #whenReady} once the caller has taken note of that channel.
   */
  static ChannelFuture connect(
      ProxyContext proxy, EventLoop loop, Target target, ExchangeRelay relay) {
    ChannelInitializer<Channel> pipeline =
        new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            proxy.channels.add(ch);
            ChannelPipeline p = ch.pipeline();
            if (target.tls()) {
              p.addLast(
                  "tls", proxy.upstreamTls.newHandler(ch.alloc(), target.host(), target.port()));
            }
            p.addLast("http", proxy.newUpstreamCodec());
            p.addLast("relay", new ServerToProxyHandler(relay));
          }
        };
    Bootstrap bootstrap = proxy.upstreamBootstrap(loop).handler(pipeline);
    proxy.metrics.upstreamConnectionOpened();
    return bootstrap.connect(target.host(), target.port());
  }

  /**
   * Follows {@code connect} through TCP and (for TLS targets) the handshake and reports to {@code
   * listener}.
   *
   * @param connectStartNanos {@link System#nanoTime()} when the connection was asked for
   */
  static void whenReady(
      ChannelFuture connect, Target target, long connectStartNanos, Listener listener) {
    connect.addListener(
        (ChannelFutureListener)
            f -> {
              Channel ch = f.channel();
              if (!listener.isCurrent(ch)) {
                ch.close();
                return;
              }
              if (!f.isSuccess()) {
                listener.failed(
                    ErrorKind.UPSTREAM_CONNECT_FAILURE,
                    Termination.UPSTREAM_CONNECT_FAILURE,
                    "cannot connect to upstream "
                        + target.authority()
                        + ": "
                        + ErrorResponses.rootMessage(f.cause()));
                return;
              }
              listener.connected(micros(connectStartNanos));
              if (!target.tls()) {
                listener.ready();
                return;
              }
              long tlsStart = System.nanoTime();
              ch.read(); // the TLS handler needs reads to complete its handshake
              ch.pipeline()
                  .get(SslHandler.class)
                  .handshakeFuture()
                  .addListener(
                      h -> {
                        if (!listener.isCurrent(ch)) {
                          return;
                        }
                        if (h.isSuccess()) {
                          listener.handshakeCompleted(micros(tlsStart));
                          listener.ready();
                        } else {
                          listener.failed(
                              ErrorKind.UPSTREAM_TLS_FAILURE,
                              Termination.UPSTREAM_TLS_FAILURE,
                              "TLS handshake with upstream "
                                  + target.authority()
                                  + " failed: "
                                  + ErrorResponses.rootMessage(h.cause())
                                  + ". Its certificate is not trusted or does not match the host;"
                                  + " if that is expected (test or corporate TLS proxy) add its CA"
                                  + " with proxy.upstream.ca.");
                        }
                      });
            });
  }

  private static long micros(long startNanos) {
    return TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - startNanos);
  }
}
