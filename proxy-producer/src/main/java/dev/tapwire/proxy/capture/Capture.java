package dev.tapwire.proxy.capture;

import dev.tapwire.avro.ErrorKind;
import dev.tapwire.avro.FlowError;
import dev.tapwire.avro.FlowEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.SingleThreadEventLoop;
import io.netty.channel.SingleThreadIoEventLoop;
import io.netty.util.concurrent.EventExecutor;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every flow recorder shares: the sink, redactor, proxy id, clock and capture-failure policy.
 * Capture is a side copy: {@link #publish} never throws, so a capture failure never breaks traffic;
 * failures are counted ({@code tapwire.proxy.capture.failures}) and logged.
 */
public final class Capture {
  /** Largest body part or SSE chunk payload, bytes (256 KiB). */
  public static final int MAX_PART_BYTES = 256 * 1024;

  /** SSE chunks are flushed once this many bytes of complete frames wait (64 KiB). */
  public static final int SSE_FLUSH_BYTES = 64 * 1024;

  private static final Logger log = LoggerFactory.getLogger(Capture.class);
  private final FlowEventSink sink;
  private final HeaderRedactor redactor;
  private final String proxyId;
  private final Clock clock;
  private final CapturePolicy policy;
  private final FlowIds flowIds;
  private final long sseLingerMillis;
  private final Counter failures;
  private final Map<SingleThreadIoEventLoop, LoopHandOff> handOffs = new ConcurrentHashMap<>();

  /**
   * @param sink where events go
   * @param redactor credential redaction, applied to every header list
   * @param proxyId this proxy instance's id
   * @param clock event times and flow-id timestamps
   * @param policy what to do with new requests when the sink is unhealthy
   * @param sseLingerMillis how long complete SSE frames may wait for more before being published
   * @param meters registry for the failure counter
   */
  public Capture(
      FlowEventSink sink,
      HeaderRedactor redactor,
      String proxyId,
      Clock clock,
      CapturePolicy policy,
      long sseLingerMillis,
      MeterRegistry meters) {
    this.sink = sink;
    this.redactor = redactor;
    this.proxyId = proxyId;
    this.clock = clock;
    this.policy = policy;
    this.flowIds = new FlowIds(clock);
    this.sseLingerMillis = sseLingerMillis;
    this.failures = meters.counter("tapwire.proxy.capture.failures");
  }

  /** Starts recording a new flow with a fresh UUIDv7; its events are handed off at once. */
  public FlowRecorder newFlow() {
    return new FlowRecorder(this, flowIds.next(), null);
  }

  /**
   * Starts recording a new flow confined to {@code loop}: if it is an I/O event loop, its events
   * are handed off to the sink at the end of the loop iteration that published them ({@link
   * FlowEventSink#handOff}), once per iteration however many flows of that loop published; on any
   * other executor, at once.
   */
  public FlowRecorder newFlow(EventExecutor loop) {
    // only an I/O loop's run() ends each iteration with the tasks of executeAfterEventLoopIteration
    LoopHandOff handOff =
        loop instanceof SingleThreadIoEventLoop ioLoop
            ? handOffs.computeIfAbsent(ioLoop, LoopHandOff::new)
            : null;
    return new FlowRecorder(this, flowIds.next(), handOff);
  }

  /**
   * Whether a new request may proceed: always in {@code forward} mode; in {@code block} mode only
   * while the sink reports healthy.
   */
  public boolean admitsNewRequests() {
    if (policy == CapturePolicy.FORWARD) {
      return true;
    }
    try {
      return sink.isHealthy();
    } catch (RuntimeException e) {
      log.warn("Capture sink health check failed", e);
      return false;
    }
  }

  /** The capture-failure policy. */
  public CapturePolicy policy() {
    return policy;
  }

  /** The redactor. */
  public HeaderRedactor redactor() {
    return redactor;
  }

  /** Current time, truncated to microseconds (the Avro timestamp-micros precision). */
  public Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  long sseLingerMillis() {
    return sseLingerMillis;
  }

  /** Records a refused request as a one-event flow consisting of a {@link FlowError}. */
  public void refusal(
      ErrorKind kind, String message, String clientAddress, String target, Integer status) {
    FlowRecorder recorder = newFlow();
    recorder.refusal(kind, message, clientAddress, target, status);
  }

  /**
   * Hands one event to the sink. Returns false (after counting and logging) if the sink refused it;
   * in block mode the caller may then refuse the request.
   */
  boolean publish(UUID flowId, long seq, Object payload, LoopHandOff handOff) {
    FlowEvent event = new FlowEvent(flowId, seq, proxyId, now(), payload);
    try {
      sink.publish(event);
      if (handOff != null) {
        handOff.request();
      } else {
        handOffNow();
      }
      return true;
    } catch (CaptureUnavailableException e) {
      failures.increment();
      log.warn("Capture unavailable for flow {} seq {}: {}", flowId, seq, e.getMessage());
      return false;
    } catch (RuntimeException e) {
      failures.increment();
      log.error("Capture sink failed for flow {} seq {}", flowId, seq, e);
      return false;
    }
  }

  private void handOffNow() {
    try {
      sink.handOff();
    } catch (RuntimeException e) {
      log.error("Capture sink failed to take the hand-off", e);
    }
  }

  /**
   * The hand-off of one event loop: requested by each publish on that loop, run once at the end of
   * the iteration ({@link SingleThreadEventLoop#executeAfterEventLoopIteration}). Loop-confined.
   */
  final class LoopHandOff implements Runnable {
    private final SingleThreadEventLoop loop;
    private boolean scheduled;

    LoopHandOff(SingleThreadEventLoop loop) {
      this.loop = loop;
    }

    void request() {
      if (!scheduled) {
        scheduled = true;
        loop.executeAfterEventLoopIteration(this);
      }
    }

    @Override
    public void run() {
      scheduled = false;
      handOffNow();
    }
  }

  static FlowError flowError(
      ErrorKind kind, String message, String clientAddress, String target, Integer status) {
    return new FlowError(kind, message, clientAddress, target, status);
  }
}
