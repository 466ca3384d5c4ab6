package dev.tapwire.proxy.bench;

import dev.tapwire.avro.BodyPart;
import dev.tapwire.avro.Direction;
import dev.tapwire.avro.FlowEnd;
import dev.tapwire.avro.FlowEvent;
import dev.tapwire.avro.RequestHead;
import dev.tapwire.avro.ResponseHead;
import dev.tapwire.avro.SseChunk;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Where a captured flow's time to first SSE event goes, as the proxy saw it, from the events'
 * timestamps (microseconds): request head to the request body's last part, that part to the
 * response head, the response head to the first SSE frame's arrival; and, over the whole run, the
 * time from request head to response head that each flow end carries. {@link ProxyBenchServer}
 * calls {@link #record} on the event loop and {@link #report} when the driver ends a measurement.
 */
final class FlowTimeline {
  private final Map<UUID, long[]> open = new HashMap<>();
  private final List<long[]> done = new ArrayList<>();

  /** Every flow's {@code first_byte_micros} over the whole run, from its flow end. */
  private final List<Long> firstByte = new ArrayList<>();

  synchronized void record(FlowEvent event) {
    Object payload = event.getPayload();
    long micros = micros(event.getEventTime());
    if (payload instanceof RequestHead) {
      long[] t = new long[4];
      Arrays.fill(t, -1);
      t[0] = micros;
      open.put(event.getFlowId(), t);
      return;
    }
    long[] t = open.get(event.getFlowId());
    if (t == null) {
      return;
    }
    if (payload instanceof BodyPart part && part.getDirection() == Direction.REQUEST) {
      t[1] = micros;
    } else if (payload instanceof ResponseHead) {
      t[2] = micros;
    } else if (payload instanceof SseChunk chunk && t[3] < 0 && !chunk.getFrames().isEmpty()) {
      t[3] = micros(chunk.getFrames().get(0).getArrivalTime());
    } else if (payload instanceof FlowEnd end) {
      if (end.getFirstByteMicros() != null) {
        firstByte.add(end.getFirstByteMicros());
      }
      open.remove(event.getFlowId());
      if (t[1] >= 0 && t[2] >= 0 && t[3] >= 0) {
        done.add(t);
      }
    }
  }

  /** Prints the medians of the flows ended since the last report to stderr, and forgets them. */
  synchronized void report(String label) {
    if (done.isEmpty()) {
      return;
    }
    // one write, so that the line does not interleave with the driver's progress lines
    System.err.print(
        String.format(
            Locale.ROOT,
            "proxy timeline %s (%d flows, p50 ms): head to request end %.3f, request end to"
                + " response head %.3f, response head to first frame %.3f%n",
            label,
            done.size(),
            median(1, 0),
            median(2, 1),
            median(3, 2)));
    done.clear();
  }

  /**
   * Prints to stderr the p50 and p99 of request head to response head over every flow of the run
   * (the upstream's share of the time to first byte), if there was any.
   */
  synchronized void reportFirstByte() {
    if (firstByte.isEmpty()) {
      return;
    }
    long[] sorted = firstByte.stream().mapToLong(Long::longValue).sorted().toArray();
    System.err.printf(
        "proxy: request head to response head (upstream's share) p50 %.2f ms, p99 %.2f ms%n",
        sorted[sorted.length / 2] / 1000.0, sorted[(int) (sorted.length * 0.99)] / 1000.0);
  }

  private double median(int to, int from) {
    long[] d = done.stream().mapToLong(t -> t[to] - t[from]).sorted().toArray();
    return d[d.length / 2] / 1000.0;
  }

  private static long micros(Instant i) {
    return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000;
  }
}
