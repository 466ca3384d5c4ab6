package dev.tapwire.processor.timing;

import dev.tapwire.avro.Timing;
import java.time.Duration;
import java.time.Instant;

/**
 * Derives the timing group: start (request head received), first byte (start + the proxy's
 * first-byte micros), first token (arrival of the frame with the first content delta), end (flow
 * end); durations in milliseconds; output tokens per second over first token → end (null when that
 * span is not positive or output tokens are unknown).
 */
public final class CallTiming {
  private CallTiming() {}

  /**
   * @param start the call start, never null
   * @param firstByteMicros microseconds from start to the first response byte, or null
   * @param firstToken the first content token's arrival, or null
   * @param end the flow end, or null (timed-out flows)
   * @param outputTokens output tokens, or null
   */
  public static Timing of(
      Instant start, Long firstByteMicros, Instant firstToken, Instant end, Long outputTokens) {
    Instant firstByte = firstByteMicros == null ? null : start.plusNanos(firstByteMicros * 1000);
    Double tokensPerSecond = null;
    if (firstToken != null && end != null && outputTokens != null) {
      double seconds = micros(firstToken, end) / 1_000_000.0;
      if (seconds > 0) {
        tokensPerSecond = outputTokens / seconds;
      }
    }
    return Timing.newBuilder()
        .setStart(start)
        .setFirstByte(firstByte)
        .setFirstToken(firstToken)
        .setEnd(end)
        .setDurationMs(end == null ? null : millis(start, end))
        .setTimeToFirstByteMs(firstByte == null ? null : millis(start, firstByte))
        .setTimeToFirstTokenMs(firstToken == null ? null : millis(start, firstToken))
        .setOutputTokensPerSecond(tokensPerSecond)
        .build();
  }

  private static long micros(Instant from, Instant to) {
    Duration d = Duration.between(from, to);
    return d.getSeconds() * 1_000_000 + d.getNano() / 1000;
  }

  private static double millis(Instant from, Instant to) {
    return micros(from, to) / 1000.0;
  }
}
