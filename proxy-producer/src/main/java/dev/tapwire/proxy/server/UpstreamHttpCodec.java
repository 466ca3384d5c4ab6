package dev.tapwire.proxy.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The HTTP/1.1 codec of an upstream channel: encodes proxyToServerRequest objects like Netty's
 * {@code HttpClientCodec}, and decodes serverToProxyResponse bytes into {@link HttpResponse} and
 * {@link io.netty.handler.codec.http.HttpContent} objects for capture, each preceded by a {@link
 * WireBytes} with the very bytes they were decoded from, for the relay to forward unchanged. So the
 * client receives the upstream's framing as it was (chunk sizes, chunk extensions, trailers, header
 * case and order) and the proxy spends no time re-encoding. The body chunks decoded from one read
 * reach the relay as one {@link io.netty.handler.codec.http.HttpContent} (a composite of their
 * contents), so a read of 30 SSE events costs the relay and capture one object, not 30.
 *
 * <p>Like {@code HttpClientCodec}, it pairs each response with the method of its request, so that a
 * response to {@code HEAD} is known to have no body (RFC 9110 §9.3.2). It relies on {@link
 * io.netty.handler.codec.http.HttpObjectDecoder} adding what it decodes to the output list (Netty
 * 4.2), which is what lets the bytes of one {@code decode} call go ahead of its objects; {@code
 * UpstreamHttpCodecTest} fails if that stops being true.
 */
final class UpstreamHttpCodec
    extends CombinedChannelDuplexHandler<UpstreamHttpCodec.TeeDecoder, UpstreamHttpCodec.Encoder> {
  private final ArrayDeque<HttpMethod> requestMethods = new ArrayDeque<>(2);

  UpstreamHttpCodec(HttpDecoderConfig config) {
    init(new TeeDecoder(config), new Encoder());
  }

  /** Records the method of every request head it encodes. */
  final class Encoder extends HttpRequestEncoder {
    @Override
    protected void encodeInitialLine(ByteBuf buf, HttpRequest request) throws Exception {
      requestMethods.add(request.method());
      super.encodeInitialLine(buf, request);
    }
  }

  /** Decodes responses and adds the consumed bytes ahead of what they decoded to. */
  final class TeeDecoder extends HttpResponseDecoder {
    TeeDecoder(HttpDecoderConfig config) {
      super(config);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out)
        throws Exception {
      int start = buffer.readerIndex();
      int firstOut = out.size();
      // decode as far as this buffer goes within one message, so that a read batch of SSE events
      // (a chunk each) is one WireBytes and one client write instead of two per event
      while (buffer.isReadable()) {
        int before = buffer.readerIndex();
        int outBefore = out.size();
        super.decode(ctx, buffer, out);
        if (buffer.readerIndex() == before || endsMessage(out, outBefore)) {
          break; // needs more bytes (or consumed none: callDecode decides), or a message ended
        }
      }
      coalesceContents(ctx, out, firstOut);
      int consumed = buffer.readerIndex() - start;
      if (consumed > 0) {
        WireBytes wire = new WireBytes(buffer.retainedSlice(start, consumed));
        if (firstOut == out.size()) {
          out.add(wire);
        } else {
          out.add(firstOut, wire); // CodecOutputList inserts only before an existing element
        }
      }
    }

    /**
     * Whether the objects decoded from {@code from} on end a message or the decoding: the bytes of
     * the next message must not go out ahead of the relay's handling of this one's end (a complete
     * response hands the connection back; a failed one resets it).
     */
    private static boolean endsMessage(List<Object> out, int from) {
      for (int i = from; i < out.size(); i++) {
        Object o = out.get(i);
        if (isPlainChunk(o)) {
          continue; // the common case, without interface checks
        }
        if (o instanceof LastHttpContent
            || !(o instanceof HttpObject http)
            || http.decoderResult().isFailure()) {
          return true;
        }
      }
      return false;
    }

    /**
     * Replaces each run of two or more consecutive body chunks decoded from {@code from} on (none
     * of them a message, the last content or failed) by one {@link HttpContent} whose content is a
     * composite of theirs, in order and without a copy. A read of 30 SSE events then reaches the
     * relay and capture as one object rather than 30, each with its own pipeline pass, retain,
     * release and digest call.
     */
    private static void coalesceContents(ChannelHandlerContext ctx, List<Object> out, int from) {
      int i = from;
      while (i < out.size()) {
        int end = i;
        while (end < out.size() && isPlainChunk(out.get(end))) {
          end++;
        }
        if (end - i >= 2) {
          ByteBuf[] parts = new ByteBuf[end - i];
          for (int k = i; k < end; k++) {
            parts[k - i] = ((HttpContent) out.get(k)).content();
          }
          // takes over the parts' references; one bulk add instead of one addComponent per part
          CompositeByteBuf merged =
              new CompositeByteBuf(ctx.alloc(), parts[0].isDirect(), parts.length, parts);
          for (int k = end - 1; k > i; k--) {
            out.remove(k);
          }
          out.set(i, new DefaultHttpContent(merged));
        }
        i++; // past the merged chunk, the single chunk or the object that is not a plain chunk
      }
    }

    /**
     * A body chunk that is neither a message nor the last content and did not fail. Netty's decoder
     * makes every such chunk a {@link DefaultHttpContent}; the exact class check also avoids the
     * interface {@code instanceof} checks, slow on JDK 17 for classes with many interfaces (the
     * secondary-supers scan, JDK-8180450), once per SSE event.
     */
    private static boolean isPlainChunk(Object o) {
      return o.getClass() == DefaultHttpContent.class
          && ((DefaultHttpContent) o).decoderResult().isSuccess();
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpMessage msg) {
      if (msg instanceof HttpResponse response && response.status().code() >= 200) {
        HttpMethod method = requestMethods.poll(); // a final response answers the oldest request
        if (HttpMethod.HEAD.equals(method)) {
          return true;
        }
      }
      return super.isContentAlwaysEmpty(msg);
    }
  }
}
