package dev.tapwire.proxy.capture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.avro.SseChunk;
import dev.tapwire.avro.SseFrame;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Frame boundaries per the WHATWG event-stream parsing rules: LF, CRLF and CR line ends. */
class SseChunkerTest {
  static final Instant T0 = Instant.parse("2026-11-21T12:00:00Z");

  /** Feeds the pieces one by one; also checks that the digest saw exactly the bytes fed. */
  static List<SseChunk> feed(SseChunker chunker, String... pieces) {
    List<SseChunk> chunks = new ArrayList<>();
    BodyDigest digest = new BodyDigest();
    for (int i = 0; i < pieces.length; i++) {
      chunker.append(
          Unpooled.copiedBuffer(pieces[i], StandardCharsets.UTF_8), T0.plusMillis(i), digest);
      SseChunk c = chunker.drainComplete();
      if (c != null) {
        chunks.add(c);
      }
    }
    SseChunk last = chunker.drainAll(T0.plusSeconds(1));
    if (last != null) {
      chunks.add(last);
    }
    BodyDigest expected = new BodyDigest();
    expected.update(Unpooled.copiedBuffer(String.join("", pieces), StandardCharsets.UTF_8));
    assertThat(digest.sha256Hex()).isEqualTo(expected.sha256Hex());
    assertThat(digest.bytes()).isEqualTo(expected.bytes());
    return chunks;
  }

  static List<Integer> lengths(List<SseChunk> chunks) {
    return chunks.stream().flatMap(c -> c.getFrames().stream()).map(SseFrame::getLength).toList();
  }

  static String concat(List<SseChunk> chunks) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (SseChunk c : chunks) {
      byte[] b = new byte[c.getData().remaining()];
      c.getData().duplicate().get(b);
      out.writeBytes(b);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /**
   * Frame lengths by a direct reading of the WHATWG rules over the whole text: a line ends at CRLF,
   * LF or CR; an empty line ends a frame; trailing bytes are one last frame.
   */
  static List<Integer> referenceFrameLengths(String text) {
    List<Integer> lengths = new ArrayList<>();
    int frameStart = 0;
    int lineStart = 0;
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '\r' || c == '\n') {
        int next = c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n' ? i + 2 : i + 1;
        if (i == lineStart) {
          lengths.add(next - frameStart);
          frameStart = next;
        }
        lineStart = next;
        i = next;
      } else {
        i++;
      }
    }
    if (frameStart < text.length()) {
      lengths.add(text.length() - frameStart);
    }
    return lengths;
  }

  @Test
  void shouldFindTheSameFramesHoweverTheStreamIsSplitIntoReads() {
    java.util.Random random = new java.util.Random(42);
    String[] endings = {"\n", "\r\n", "\r"};
    for (int round = 0; round < 200; round++) {
      StringBuilder text = new StringBuilder();
      int events = 1 + random.nextInt(6);
      for (int e = 0; e < events; e++) {
        String eol = endings[random.nextInt(3)];
        text.append("event: e").append(e).append(eol);
        text.append("data: {\"n\":").append(random.nextInt(100_000)).append('}').append(eol);
        if (random.nextInt(4) == 0) {
          text.append(": comment").append(eol);
        }
        text.append(eol);
      }
      if (random.nextBoolean()) {
        text.append("data: unterminated");
      }
      List<String> pieces = new ArrayList<>();
      for (int at = 0; at < text.length(); ) {
        int len = Math.min(text.length() - at, 1 + random.nextInt(12));
        pieces.add(text.substring(at, at + len));
        at += len;
      }
      List<SseChunk> chunks = feed(new SseChunker(1 << 18), pieces.toArray(String[]::new));
      // a CR whose LF is still to come is held until the next byte or the end, never mis-split
      assertThat(lengths(chunks))
          .as("round %d: %s", round, text)
          .isEqualTo(referenceFrameLengths(text.toString()));
      assertThat(concat(chunks)).isEqualTo(text.toString());
    }
  }

  @Test
  void shouldSplitLfFramesEvenWhenTheBlankLineIsSplitAcrossReads() {
    String a = "event: ping\ndata: {}\n";
    String b = "\nevent: x\ndata: 1\n\n";
    List<SseChunk> chunks = feed(new SseChunker(1 << 18), a, b);
    assertThat(lengths(chunks)).containsExactly(22, 18);
    assertThat(concat(chunks)).isEqualTo(a + b);
    assertThat(chunks.get(0).getFrames().get(0).getArrivalTime()).isEqualTo(T0.plusMillis(1));
  }

  @Test
  void shouldKeepCrlfBlankLineInsideTheFrameAcrossReads() {
    List<SseChunk> chunks = feed(new SseChunker(1 << 18), "data: a\r\n\r", "\ndata: b\r\n\r\n");
    assertThat(lengths(chunks)).containsExactly(11, 11);
    assertThat(concat(chunks)).isEqualTo("data: a\r\n\r\ndata: b\r\n\r\n");
  }

  @Test
  void shouldTreatBareCrAsLineEnd() {
    List<SseChunk> chunks = feed(new SseChunker(1 << 18), "data: a\r\rdata: b\r\r");
    assertThat(lengths(chunks)).containsExactly(9, 9);
  }

  @Test
  void shouldFlushTrailingUnterminatedBytesAsIncompleteFrameAtEnd() {
    List<SseChunk> chunks = feed(new SseChunker(1 << 18), "data: a\n\ndata: cut off");
    List<SseFrame> frames = chunks.stream().flatMap(c -> c.getFrames().stream()).toList();
    assertThat(frames).extracting(SseFrame::getComplete).containsExactly(true, false);
    assertThat(concat(chunks)).isEqualTo("data: a\n\ndata: cut off");
    assertThat(chunks.get(chunks.size() - 1).getOffset()).isEqualTo(9);
  }

  @Test
  void shouldCutAnOversizedUnterminatedFrameSoNoChunkExceedsTheLimit() {
    SseChunker chunker = new SseChunker(1000);
    List<SseChunk> chunks = feed(chunker, "data: " + "x".repeat(1500), "\n\n");
    assertThat(chunks.get(0).getFrames().get(0).getComplete()).isFalse();
    assertThat(concat(chunks)).isEqualTo("data: " + "x".repeat(1500) + "\n\n");
  }
}
