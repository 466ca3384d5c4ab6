package dev.tapwire.proxy.server;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.AsyncMapping;
import io.netty.util.concurrent.Promise;

/**
 * Turns a CONNECT to an allow-listed host into a decrypted tunnel: answers {@code 200 Connection
 * Established}, inserts a TLS handler before a fresh {@link ClientHttpCodec}, and lets the client
 * connection go on as HTTP inside TLS. The certificate is the leaf for the CONNECT host (not the
 * SNI, which only gets recorded), minted off the event loop: Netty's {@link SniHandler} holds the
 * handshake until the {@link dev.tapwire.proxy.ca.LeafContextCache} future completes.
 */
final class DecryptedTunnel {
  /** Largest ClientHello accepted, bytes. */
  private static final int MAX_CLIENT_HELLO = 16 * 1024;

  /** How long a client has to complete the TLS handshake, milliseconds. */
  private static final long HANDSHAKE_TIMEOUT_MILLIS = 10_000;

  private DecryptedTunnel() {}

  static void open(ChannelHandlerContext ctx, ProxyContext proxy, Target target) {
    proxy.leaves.contextFor(target.host()); // start minting while the 200 travels
    AsyncMapping<String, SslContext> leafForTarget =
        (String ignoredSni, Promise<SslContext> promise) -> {
          proxy
              .leaves
              .contextFor(target.host())
              .whenComplete(
                  (context, error) -> {
                    if (error != null) {
                      promise.tryFailure(error);
                    } else {
                      promise.trySuccess(context);
                    }
                  });
          return promise;
        };
    ctx.writeAndFlush(BlindTunnel.connectionEstablished())
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (!f.isSuccess()) {
                    return; // the channel is closing; channelInactive reports it
                  }
                  ChannelPipeline p = ctx.pipeline();
                  String codecName = p.context(ClientHttpCodec.class).name();
                  p.addBefore(
                      codecName,
                      "tls",
                      new SniHandler(leafForTarget, MAX_CLIENT_HELLO, HANDSHAKE_TIMEOUT_MILLIS));
                  p.replace(codecName, "http", proxy.newClientSideCodec());
                  ctx.read();
                });
  }
}
