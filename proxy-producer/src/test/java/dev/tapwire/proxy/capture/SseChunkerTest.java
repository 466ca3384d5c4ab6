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

  static List<SseChunk> feed(SseChunker chunker, String... pieces) {
    List<SseChunk> chunks = new ArrayList<>();
    for (int i = 0; i < pieces.length; i++) {
      chunker.append(Unpooled.copiedBuffer(pieces[i], StandardCharsets.UTF_8), T0.plusMillis(i));
      SseChunk c = chunker.drainComplete();
      if (c != null) {
        chunks.add(c);
      }
    }
    SseChunk last = chunker.drainAll(T0.plusSeconds(1));
    if (last != null) {
      chunks.add(last);
    }
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
