package dev.tapwire.proxy.capture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.avro.SseChunk;
import dev.tapwire.avro.SseFrame;
import dev.tapwire.avro.Termination;
import dev.tapwire.testkit.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultEventLoop;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SSE frames carry the time of the read they arrived in: the slices of one read batch (between two
 * {@link FlowRecorder#recordDeferred} calls) share one clock reading, the next batch takes a new
 * one.
 */
class FlowRecorderSseArrivalTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
  private final CaptureHandOffTest.CountingSink sink = new CaptureHandOffTest.CountingSink();
  private final DefaultEventLoop loop = new DefaultEventLoop();

  @AfterEach
  void stopLoop() throws Exception {
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    slices.forEach(ByteBuf::release); // the relay's own reference, which the recorder retained
  }

  @Test
  void shouldStampTheFramesOfOneReadBatchWithTheTimeOfThatRead() {
    Capture capture =
        new Capture(
            sink,
            new HeaderRedactor(new byte[32], List.of()),
            "test-proxy",
            clock,
            CapturePolicy.FORWARD,
            TimeUnit.HOURS.toMillis(1), // no linger flush during the test
            new SimpleMeterRegistry());
    FlowRecorder recorder = capture.newFlow();
    recorder.responseHead(
        200, "OK", "HTTP/1.1", Map.<String, String>of().entrySet(), 0, "text/event-stream", -1);
    Instant firstRead = clock.instant();
    recorder.responseBody(slice("data: a\n\n"), loop);
    clock.set(firstRead.plusMillis(3)); // a later slice decoded from the same read
    recorder.responseBody(slice("data: b\n\n"), loop);
    recorder.recordDeferred();
    Instant secondRead = firstRead.plusMillis(7);
    clock.set(secondRead);
    recorder.responseBody(slice("data: c\n\n"), loop);
    recorder.recordDeferred();
    recorder.end(Termination.COMPLETE, null, new FlowRecorder.Timings(null, null, null, 1));

    List<Instant> arrivals =
        sink.events.stream()
            .filter(e -> e.getPayload() instanceof SseChunk)
            .flatMap(e -> ((SseChunk) e.getPayload()).getFrames().stream())
            .map(SseFrame::getArrivalTime)
            .toList();
    assertThat(arrivals).containsExactly(firstRead, firstRead, secondRead);
  }

  private final List<ByteBuf> slices = new java.util.ArrayList<>();

  private ByteBuf slice(String text) {
    ByteBuf buf = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
    slices.add(buf);
    return buf;
  }
}
