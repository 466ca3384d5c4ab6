package dev.tapwire.proxy.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last handler of both channels of a blind tunnel (or of an exchange upgraded to WebSocket): relays
 * raw bytes to the peer channel, never decrypted or parsed. Backpressure as in Netty's socksproxy
 * {@code RelayHandler}: AUTO_READ is off and the next read is requested only when the previous
 * write completed. Closing either side flushes and closes the other.
 */
final class TunnelRelayHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(TunnelRelayHandler.class);

  /** Receives byte counts and the end of the tunnel. */
  interface Listener {
    void bytesRelayed(boolean fromClient, long n);

    void closed(String detail);
  }

  private final Channel peer;
  private final boolean fromClient;
  private final Listener listener;

  TunnelRelayHandler(Channel peer, boolean fromClient, Listener listener) {
    this.peer = peer;
    this.fromClient = fromClient;
    this.listener = listener;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf buf)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (!peer.isActive()) {
      buf.release();
      return;
    }
    listener.bytesRelayed(fromClient, buf.readableBytes());
    peer.writeAndFlush(buf)
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (f.isSuccess()) {
                    ctx.channel().read();
                  } else {
                    f.channel().close();
                  }
                });
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    listener.closed(fromClient ? "client closed" : "upstream closed");
    if (peer.isActive()) {
      peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      listener.closed("idle timeout");
      ctx.close();
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("Tunnel {} closed after an error: {}", ctx.channel(), cause.toString());
    ctx.close();
  }
}
