package dev.tapwire.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The upstream codec hands the relay every response byte exactly once, ahead of the objects decoded
 * from it, whatever the read boundaries: that ordering is what lets the relay forward the wire
 * bytes and only record the decoded objects.
 */
class UpstreamHttpCodecTest {
  private static final String CHUNKED_SSE =
      "HTTP/1.1 200 OK\r\n"
          + "Content-Type: text/event-stream\r\n"
          + "x-MiXeD-Case: kept\r\n"
          + "Transfer-Encoding: chunked\r\n\r\n"
          + "1b;name=value\r\n"
          + "event: ping\ndata: {\"a\":1}\n\n\r\n"
          + "A\r\n"
          + "data: 0123\r\n"
          + "0\r\n"
          + "X-Trailer: t\r\n\r\n";
  private static final String FIXED = "HTTP/1.1 201 Created\r\nContent-Length: 5\r\n\r\nhello";
  private static final String CONTINUE_THEN_OK =
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

  /** One item seen by the relay: wire bytes so far when a decoded object arrived. */
  private record Seen(Object kind, int wireBytesSoFar) {}

  @Test
  void shouldEmitEveryByteOnceAndAheadOfWhatItDecodesToForAnyReadBoundaries() {
    String all = CHUNKED_SSE + FIXED + CONTINUE_THEN_OK;
    byte[] bytes = all.getBytes(StandardCharsets.ISO_8859_1);
    int[] messageEnds = {
      CHUNKED_SSE.length(),
      CHUNKED_SSE.length() + FIXED.length(),
      CHUNKED_SSE.length() + FIXED.length() + "HTTP/1.1 100 Continue\r\n\r\n".length(),
      all.length()
    };
    Random random = new Random(7);
    for (int round = 0; round < 300; round++) {
      EmbeddedChannel ch = new EmbeddedChannel(new UpstreamHttpCodec(new HttpDecoderConfig()));
      for (int i = 0; i < 3; i++) {
        writeRequest(ch, HttpMethod.POST);
      }
      ByteArrayOutputStream wire = new ByteArrayOutputStream();
      ByteArrayOutputStream bodies = new ByteArrayOutputStream();
      List<Seen> seen = new ArrayList<>();
      int offset = 0;
      while (offset < bytes.length) {
        int n = 1 + random.nextInt(round % 3 == 0 ? 3 : 40);
        n = Math.min(n, bytes.length - offset);
        ch.writeInbound(Unpooled.wrappedBuffer(bytes, offset, n));
        offset += n;
        drain(ch, wire, bodies, seen);
      }
      assertThat(wire.toByteArray()).as("round %d", round).isEqualTo(bytes);
      // the decoded bodies (chunks of one read merged or not) are the bodies exactly, in order
      assertThat(bodies.toString(StandardCharsets.ISO_8859_1))
          .as("round %d", round)
          .isEqualTo("event: ping\ndata: {\"a\":1}\n\n" + "data: 0123" + "hello" + "ok");
      List<Integer> lastContentAt = new ArrayList<>();
      for (Seen s : seen) {
        if (s.kind() == LastHttpContent.class) {
          lastContentAt.add(s.wireBytesSoFar());
        }
      }
      // each response's end is seen only after all of its bytes were handed over, never later
      assertThat(lastContentAt).as("round %d", round).containsExactly(toList(messageEnds));
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void shouldHandOverTheChunksOfOneReadAsOneWireBytesAndOneContentAheadOfThem() {
    EmbeddedChannel ch = new EmbeddedChannel(new UpstreamHttpCodec(new HttpDecoderConfig()));
    writeRequest(ch, HttpMethod.POST);
    int headEnd = CHUNKED_SSE.indexOf("\r\n\r\n") + 4;
    ch.writeInbound(
        Unpooled.copiedBuffer(CHUNKED_SSE.substring(0, headEnd), StandardCharsets.ISO_8859_1));
    ch.writeInbound(
        Unpooled.copiedBuffer(CHUNKED_SSE.substring(headEnd), StandardCharsets.ISO_8859_1));
    List<Object> kinds = new ArrayList<>();
    String merged = null;
    Object msg;
    while ((msg = ch.readInbound()) != null) {
      kinds.add(msg instanceof WireBytes w ? w.content().readableBytes() : msg.getClass());
      if (msg instanceof HttpContent c && !(msg instanceof LastHttpContent)) {
        merged = c.content().toString(StandardCharsets.ISO_8859_1);
      }
      ReferenceCountUtil.release(msg);
    }
    // a read with the head, then a read with two SSE chunks and the trailers: each read is one
    // WireBytes, ahead of everything decoded from it, and the two chunks are one content
    assertThat(kinds.get(0)).isEqualTo(headEnd);
    assertThat(kinds.get(2)).isEqualTo(CHUNKED_SSE.length() - headEnd);
    assertThat(kinds.stream().filter(Integer.class::isInstance)).hasSize(2);
    assertThat(kinds).hasSize(5);
    assertThat((Class<?>) kinds.get(1)).isAssignableTo(HttpResponse.class);
    assertThat((Class<?>) kinds.get(3)).isAssignableTo(HttpContent.class);
    assertThat((Class<?>) kinds.get(4)).isAssignableTo(LastHttpContent.class);
    assertThat(merged).isEqualTo("event: ping\ndata: {\"a\":1}\n\n" + "data: 0123");
    ch.finishAndReleaseAll();
  }

  @Test
  void shouldKnowThatTheResponseToHeadHasNoBodyDespiteContentLength() {
    EmbeddedChannel ch = new EmbeddedChannel(new UpstreamHttpCodec(new HttpDecoderConfig()));
    writeRequest(ch, HttpMethod.HEAD);
    writeRequest(ch, HttpMethod.GET);
    String responses =
        "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"
            + "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc";
    ch.writeInbound(Unpooled.copiedBuffer(responses, StandardCharsets.ISO_8859_1));
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    List<Seen> seen = new ArrayList<>();
    drain(ch, wire, seen);
    assertThat(seen.stream().filter(s -> s.kind() == LastHttpContent.class).count()).isEqualTo(2);
    assertThat(wire.toString(StandardCharsets.ISO_8859_1)).isEqualTo(responses);
    ch.finishAndReleaseAll();
  }

  private static void writeRequest(EmbeddedChannel ch, HttpMethod method) {
    ch.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, "/"));
    ByteBuf encoded;
    while ((encoded = ch.readOutbound()) != null) {
      encoded.release();
    }
  }

  private static void drain(EmbeddedChannel ch, ByteArrayOutputStream wire, List<Seen> seen) {
    drain(ch, wire, new ByteArrayOutputStream(), seen);
  }

  private static void drain(
      EmbeddedChannel ch,
      ByteArrayOutputStream wire,
      ByteArrayOutputStream bodies,
      List<Seen> seen) {
    Object msg;
    while ((msg = ch.readInbound()) != null) {
      try {
        if (msg instanceof WireBytes w) {
          wire.writeBytes(ByteBufUtil.getBytes(w.content()));
        } else if (msg instanceof HttpResponse) {
          seen.add(new Seen(HttpResponse.class, wire.size()));
        }
        if (msg instanceof HttpContent c) {
          bodies.writeBytes(ByteBufUtil.getBytes(c.content()));
        }
        if (msg instanceof LastHttpContent) {
          seen.add(new Seen(LastHttpContent.class, wire.size()));
        } else if (msg instanceof HttpContent) {
          seen.add(new Seen(HttpContent.class, wire.size()));
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }
  }

  private static Integer[] toList(int[] values) {
    Integer[] boxed = new Integer[values.length];
    for (int i = 0; i < values.length; i++) {
      boxed[i] = values[i];
    }
    return boxed;
  }
}
