package dev.tapwire.proxy.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;

/**
 * Switches both channels of an exchange that answered {@code 101 Switching Protocols} (WebSocket)
 * from HTTP to a raw byte relay: adds a {@link TunnelRelayHandler} to each, then removes {@link
 * ServerToProxyHandler} and {@link UpstreamHttpCodec} upstream, {@link ClientToProxyHandler} and
 * {@link ClientHttpCodec} on the client side (bytes either codec still held go to the new relay).
 * The bytes are counted in the metrics, not captured. The caller reads both channels again.
 */
final class ProtocolSwitch {
  private ProtocolSwitch() {}

  /**
   * @param client the context of the client channel's {@link ClientToProxyHandler}
   * @param upstream the exchange's upstream channel
   */
  static void toRawRelay(ChannelHandlerContext client, Channel upstream, ProxyMetrics metrics) {
    TunnelRelayHandler.Listener counter =
        new TunnelRelayHandler.Listener() {
          @Override
          public void bytesRelayed(boolean fromClient, long n) {
            if (fromClient) {
              metrics.bytesToUpstream(n);
            } else {
              metrics.bytesToClient(n);
            }
          }

          @Override
          public void closed(String detail) {}
        };
    ChannelPipeline up = upstream.pipeline();
    up.addLast("raw", new TunnelRelayHandler(client.channel(), false, counter));
    up.remove(ServerToProxyHandler.class);
    up.remove(UpstreamHttpCodec.class);
    ChannelPipeline p = client.pipeline();
    p.addLast("raw", new TunnelRelayHandler(upstream, true, counter));
    p.remove(client.handler());
    p.remove(ClientHttpCodec.class);
  }
}
