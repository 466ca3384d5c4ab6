package dev.tapwire.proxy.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last handler of an upstream channel (after the TLS handler and {@code HttpClientCodec}): hands
 * serverToProxyResponse objects, read completions and the channel's end to the owning {@link
 * ClientToProxyHandler}, which runs on the same event loop.
 */
final class ServerToProxyHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(ServerToProxyHandler.class);
  private final ClientToProxyHandler client;

  ServerToProxyHandler(ClientToProxyHandler client) {
    this.client = client;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    client.serverToProxyResponse(ctx.channel(), msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    client.upstreamReadComplete(ctx.channel());
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    client.upstreamClosed(ctx.channel());
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("Upstream {} failed: {}", ctx.channel(), cause.toString());
    client.upstreamFailed(ctx.channel(), cause);
    ctx.close();
  }
}
