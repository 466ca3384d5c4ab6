package dev.tapwire.proxy.server;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * Assembles a client channel's pipeline: {@code idle} ({@link IdleStateHandler}, all-idle after
 * {@code proxy.idle.timeout.ms}) → {@code http} ({@link ClientHttpCodec} with the header and line
 * limits) → {@code proxy} ({@link ClientToProxyHandler}). A decrypted CONNECT later inserts {@code
 * tls} before {@code http}; a blind tunnel replaces {@code http} and {@code proxy} by a {@link
 * TunnelRelayHandler}.
 */
public final class ClientChannelInitializer extends ChannelInitializer<SocketChannel> {
  private final ProxyContext proxy;
  private final boolean reverse;

  /**
   * @param proxy shared state
   * @param reverse true for the reverse listener (origin-form requests to the configured upstream)
   */
  public ClientChannelInitializer(ProxyContext proxy, boolean reverse) {
    this.proxy = proxy;
    this.reverse = reverse;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    ChannelPipeline p = ch.pipeline();
    p.addLast("idle", new IdleStateHandler(0, 0, proxy.idleTimeoutMillis, TimeUnit.MILLISECONDS));
    p.addLast("http", proxy.newClientSideCodec());
    p.addLast("proxy", new ClientToProxyHandler(proxy, reverse));
  }
}
