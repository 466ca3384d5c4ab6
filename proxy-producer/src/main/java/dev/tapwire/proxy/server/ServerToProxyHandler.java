package dev.tapwire.proxy.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last handler of an upstream channel (after the TLS handler and {@link UpstreamHttpCodec}): hands
 * serverToProxyResponse objects, read completions and the channel's end to the owning {@link
 * ExchangeRelay}, which runs on the client's event loop. Added by {@link UpstreamConnector}.
 */
final class ServerToProxyHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(ServerToProxyHandler.class);
  private final ExchangeRelay relay;

  ServerToProxyHandler(ExchangeRelay relay) {
    this.relay = relay;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    relay.serverToProxyResponse(ctx.channel(), msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    relay.upstreamReadComplete(ctx.channel());
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    relay.upstreamClosed(ctx.channel());
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("Upstream {} failed: {}", ctx.channel(), cause.toString());
    relay.upstreamFailed(ctx.channel(), cause);
    ctx.close();
  }
}
