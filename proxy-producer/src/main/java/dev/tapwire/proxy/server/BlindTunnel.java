package dev.tapwire.proxy.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/**
 * Opens a blind tunnel for a CONNECT to a host that is not decrypted: connects to the target on the
 * client's event loop, answers {@code 200 Connection Established}, then replaces the client's HTTP
 * handlers by a {@link TunnelRelayHandler} on both channels. The bytes are never parsed; a {@link
 * TunnelRecord} counts them and records one Tunnel event. A failed connect answers 502.
 */
final class BlindTunnel {
  private BlindTunnel() {}

  /**
   * @param ctx the client channel's context of {@code clientHandler}
   * @param clientHandler the HTTP handler removed once the tunnel is up
   */
  static void open(
      ChannelHandlerContext ctx,
      ChannelHandler clientHandler,
      ProxyContext proxy,
      Target target,
      String clientAddress) {
    TunnelRecord record =
        new TunnelRecord(
            proxy.capture.newFlow(ctx.channel().eventLoop()),
            target,
            clientAddress,
            proxy.capture.now(),
            proxy.metrics);
    proxy
        .upstreamBootstrap(ctx.channel().eventLoop())
        .handler(
            new ChannelInitializer<Channel>() {
              @Override
              protected void initChannel(Channel ch) {
                proxy.channels.add(ch);
              }
            })
        .connect(target.host(), target.port())
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (!f.isSuccess()) {
                    String message =
                        "cannot connect to "
                            + target.authority()
                            + ": "
                            + ErrorResponses.rootMessage(f.cause());
                    record.failed(message);
                    proxy.metrics.error(dev.tapwire.avro.ErrorKind.UPSTREAM_CONNECT_FAILURE);
                    ctx.writeAndFlush(
                            ErrorResponses.plain(
                                ctx.alloc(), HttpResponseStatus.BAD_GATEWAY, message))
                        .addListener(ChannelFutureListener.CLOSE);
                    return;
                  }
                  Channel out = f.channel();
                  if (!ctx.channel().isActive()) {
                    out.close();
                    record.closed("client closed before the tunnel opened");
                    return;
                  }
                  ctx.writeAndFlush(connectionEstablished())
                      .addListener(
                          (ChannelFutureListener)
                              w -> {
                                if (!w.isSuccess()) {
                                  out.close();
                                  return;
                                }
                                out.pipeline()
                                    .addLast(
                                        "relay",
                                        new TunnelRelayHandler(ctx.channel(), false, record));
                                ChannelPipeline p = ctx.pipeline();
                                p.addLast("relay", new TunnelRelayHandler(out, true, record));
                                p.remove(clientHandler);
                                p.remove(ClientHttpCodec.class);
                                ctx.channel().read();
                                out.read();
                              });
                });
  }

  /** The answer to an accepted CONNECT. */
  static FullHttpResponse connectionEstablished() {
    // RFC 9110 §9.3.6: no Content-Length or Transfer-Encoding in a 2xx answer to CONNECT
    return new DefaultFullHttpResponse(
        HttpVersion.HTTP_1_1, new HttpResponseStatus(200, "Connection Established"));
  }
}
