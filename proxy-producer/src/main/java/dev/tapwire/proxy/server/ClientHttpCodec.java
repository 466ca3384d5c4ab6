package dev.tapwire.proxy.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import java.util.List;

/**
 * The HTTP/1.1 codec of a client channel: decodes clientToProxyRequest objects like Netty's {@code
 * HttpServerCodec}; relayed responses arrive as {@link WireBytes} and go out below the encoder,
 * byte for byte as the upstream sent them. The encoder only writes the proxy's own responses
 * ({@link ErrorResponses}), which always close the connection.
 *
 * <p>As with {@code HttpServerCodec}, the proxy's own response to a {@code HEAD} request has no
 * body. (A request with both {@code Transfer-Encoding} and {@code Content-Length}, a smuggling
 * pattern, RFC 9112 §6.3, never gets this far: Netty 4.2's decoder rejects it, and the proxy
 * answers 400.)
 */
final class ClientHttpCodec
    extends CombinedChannelDuplexHandler<ClientHttpCodec.Decoder, ClientHttpCodec.Encoder> {
  private boolean lastRequestWasHead;

  ClientHttpCodec(HttpDecoderConfig config) {
    init(new Decoder(config), new Encoder());
  }

  /** Decodes requests; notes whether the latest one is a HEAD request. */
  final class Decoder extends HttpRequestDecoder {
    Decoder(HttpDecoderConfig config) {
      super(config);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out)
        throws Exception {
      int firstOut = out.size();
      super.decode(ctx, buffer, out);
      for (int i = firstOut; i < out.size(); i++) {
        if (out.get(i) instanceof HttpRequest request) {
          lastRequestWasHead = HttpMethod.HEAD.equals(request.method());
        }
      }
    }
  }

  /** Encodes the proxy's own responses; passes {@link WireBytes} through as they are. */
  final class Encoder extends HttpResponseEncoder {
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise)
        throws Exception {
      if (msg instanceof WireBytes wire) {
        ctx.write(wire.content(), promise);
      } else {
        super.write(ctx, msg, promise);
      }
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpResponse msg) {
      return lastRequestWasHead || super.isContentAlwaysEmpty(msg);
    }
  }
}
