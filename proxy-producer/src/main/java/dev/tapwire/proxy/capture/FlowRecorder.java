package dev.tapwire.proxy.capture;

import dev.tapwire.avro.BodyPart;
import dev.tapwire.avro.Direction;
import dev.tapwire.avro.ErrorKind;
import dev.tapwire.avro.FlowEnd;
import dev.tapwire.avro.Header;
import dev.tapwire.avro.RequestHead;
import dev.tapwire.avro.ResponseHead;
import dev.tapwire.avro.SseChunk;
import dev.tapwire.avro.Termination;
import dev.tapwire.avro.Tunnel;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Records one flow as a gapless sequence of events (seq from 0): request head, request body parts,
 * response head, response body parts or SSE chunks, flow end; or a single tunnel or error event.
 * Confined to the flow's event loop (all calls from one thread).
 *
 * <p>SSE chunks: complete frames are published when {@link Capture#SSE_FLUSH_BYTES} are pending,
 * after the linger (scheduled on the event loop, so the client never waits for it) and at the end
 * of the stream.
 *
 * <p>Body slices are recorded after they are relayed: {@link #requestBody}, {@link
 * #requestComplete} and {@link #responseBody} only keep a retained slice, and the digest, the copy
 * and the SSE framing run at {@link #recordDeferred}, which the relay calls once it has flushed the
 * read batch (and every other method of this class runs first). So a request body reaches the
 * upstream, and an SSE event the client, before the proxy spends time on their capture.
 */
public final class FlowRecorder {
  private final Capture capture;
  private final UUID flowId;
  private long seq;
  private boolean ended;
  private final BodyDigest requestDigest = new BodyDigest();
  private final BodyDigest responseDigest = new BodyDigest();
  private final BodyPartSplitter requestParts =
      new BodyPartSplitter(Direction.REQUEST, Capture.MAX_PART_BYTES);
  private BodyPartSplitter responseParts;
  private SseChunker sse;
  private ScheduledFuture<?> linger;
  private final Consumer<BodyPart> emitPart = part -> emit(part);

  private final Capture.LoopHandOff handOff;

  /**
   * A body slice (retained) not recorded yet, with its arrival time for SSE frames; or the end of
   * the request body (data null).
   */
  private record Deferred(ByteBuf data, boolean request, Instant arrival) {}

  private static final Deferred REQUEST_COMPLETE = new Deferred(null, true, null);
  private final ArrayDeque<Deferred> deferred = new ArrayDeque<>();

  /**
   * Arrival time of the response slices kept since the last {@link #recordDeferred}: they come from
   * one read batch of the upstream (the relay records after each), so one clock reading serves all.
   */
  private Instant batchArrival;

  private EventExecutor loop;

  FlowRecorder(Capture capture, UUID flowId, Capture.LoopHandOff handOff) {
    this.capture = capture;
    this.flowId = flowId;
    this.handOff = handOff;
  }

  /** This flow's id. */
  public UUID flowId() {
    return flowId;
  }

  /** Number of events emitted so far (the next seq). */
  public long eventCount() {
    return seq;
  }

  /** Whether the flow has ended (no further events will be emitted). */
  public boolean isEnded() {
    return ended;
  }

  /**
   * The request head; headers are redacted here.
   *
   * @param contentLength the body's {@code Content-Length} in bytes, or -1 if it has none
   */
  public void requestHead(
      RequestHead head, Iterable<java.util.Map.Entry<String, String>> headers, long contentLength) {
    head.setHeaders(capture.redactor().redactAll(headers));
    requestParts.expectBytes(contentLength);
    emit(head);
  }

  /**
   * A slice of the request body (after transfer decoding); the buffer is not consumed, a retained
   * slice of it is recorded at {@link #recordDeferred}.
   */
  public void requestBody(ByteBuf content) {
    if (!ended) {
      deferred.add(new Deferred(content.retainedSlice(), true, null));
    }
  }

  /** The request body is complete (recorded at {@link #recordDeferred}). */
  public void requestComplete() {
    if (!ended) {
      deferred.add(REQUEST_COMPLETE);
    }
  }

  /**
   * The response head; chooses SSE chunking when {@code contentType} is {@code text/event-stream}.
   *
   * @param contentLength the body's {@code Content-Length} in bytes, or -1 if it has none
   */
  public void responseHead(
      int status,
      String reason,
      String httpVersion,
      Iterable<java.util.Map.Entry<String, String>> headers,
      long firstByteMicros,
      String contentType,
      long contentLength) {
    recordDeferred();
    if (ended) {
      return;
    }
    List<Header> redacted = capture.redactor().redactAll(headers);
    if (contentType != null
        && contentType.trim().toLowerCase(java.util.Locale.ROOT).startsWith("text/event-stream")) {
      sse = new SseChunker(Capture.MAX_PART_BYTES);
      responseParts = null;
    } else {
      responseParts = new BodyPartSplitter(Direction.RESPONSE, Capture.MAX_PART_BYTES);
      responseParts.expectBytes(contentLength);
      sse = null;
    }
    emit(new ResponseHead(status, reason, httpVersion, redacted, firstByteMicros));
  }

  /**
   * A slice of the response body (after transfer decoding), recorded at {@link #recordDeferred}.
   * The buffer itself is retained, not sliced (the relay forwards the wire bytes, not this buffer):
   * the caller must not change its reader or writer index afterwards. SSE frames completed by the
   * slices of one read batch (those given between two {@link #recordDeferred} calls) get the time
   * of the first of them as their arrival time.
   *
   * @param loop the flow's event loop, where the SSE linger flush is scheduled
   */
  public void responseBody(ByteBuf content, EventExecutor loop) {
    if (!ended) {
      this.loop = loop;
      if (sse != null && batchArrival == null) {
        batchArrival = capture.now(); // the read this slice came in; its frames arrived then
      }
      deferred.add(new Deferred(content.retain(), false, batchArrival));
    }
  }

  /**
   * Records the body slices kept since the last call, in order: digests, body parts, SSE frames.
   * Call it after relaying them; every other method of this class calls it first.
   */
  public void recordDeferred() {
    batchArrival = null;
    Deferred next;
    while ((next = deferred.poll()) != null) {
      if (next == REQUEST_COMPLETE) {
        requestParts.flush(emitPart);
        continue;
      }
      try {
        if (next.request()) {
          requestParts.append(next.data(), requestDigest, emitPart);
        } else {
          recordResponseBody(next.data(), next.arrival());
        }
      } finally {
        next.data().release();
      }
    }
  }

  private void recordResponseBody(ByteBuf content, Instant arrival) {
    if (sse != null) {
      sse.append(content, arrival, responseDigest);
      if (sse.completeBytes() >= Capture.SSE_FLUSH_BYTES) {
        flushSse();
      } else if (sse.hasCompleteFrames() && linger == null) {
        linger =
            loop.schedule(
                () -> {
                  linger = null;
                  flushSse();
                },
                capture.sseLingerMillis(),
                TimeUnit.MILLISECONDS);
      }
    } else if (responseParts != null) {
      responseParts.append(content, responseDigest, emitPart);
    } else {
      responseDigest.update(content);
    }
  }

  /** A {@link dev.tapwire.avro.FlowError} within this flow (before its {@link #end}). */
  public void error(
      ErrorKind kind, String message, String clientAddress, String target, Integer status) {
    recordDeferred();
    if (!ended) {
      emit(Capture.flowError(kind, message, clientAddress, target, status));
    }
  }

  /** A refused request: the {@link dev.tapwire.avro.FlowError} is the flow's only event. */
  void refusal(
      ErrorKind kind, String message, String clientAddress, String target, Integer status) {
    if (!ended && seq == 0) {
      emit(Capture.flowError(kind, message, clientAddress, target, status));
      ended = true;
    }
  }

  /**
   * Ends the flow: flushes pending parts and SSE frames, then emits {@link FlowEnd}. Idempotent.
   *
   * @param timings connect / TLS / first-byte micros (nullable) and total micros
   */
  public void end(Termination termination, String detail, Timings timings) {
    recordDeferred();
    if (ended) {
      return;
    }
    requestParts.flush(emitPart);
    if (linger != null) {
      linger.cancel(false);
      linger = null;
    }
    if (sse != null) {
      SseChunk last = sse.drainAll(capture.now());
      if (last != null) {
        emit(last);
      }
    } else if (responseParts != null) {
      responseParts.flush(emitPart);
    }
    int responseParts =
        sse != null ? sse.chunks() : (this.responseParts == null ? 0 : this.responseParts.parts());
    emit(
        new FlowEnd(
            termination,
            detail,
            requestDigest.bytes(),
            responseDigest.bytes(),
            requestDigest.sha256Hex(),
            responseDigest.sha256Hex(),
            timings.connectMicros(),
            timings.tlsHandshakeMicros(),
            timings.firstByteMicros(),
            timings.totalMicros(),
            requestParts.parts(),
            responseParts));
    ended = true;
  }

  /** Records a blind tunnel as the only event of this flow. */
  public void tunnel(Tunnel tunnel) {
    if (!ended) {
      emit(tunnel);
      ended = true;
    }
  }

  private void flushSse() {
    recordDeferred();
    if (ended || sse == null) {
      return;
    }
    SseChunk chunk = sse.drainComplete();
    if (chunk != null) {
      emit(chunk);
    }
  }

  private void emit(Object payload) {
    capture.publish(flowId, seq++, payload, handOff);
  }

  /**
   * Timings of one flow, microseconds.
   *
   * @param connectMicros TCP connect to upstream, or null if no new connection was made
   * @param tlsHandshakeMicros upstream TLS handshake, or null
   * @param firstByteMicros request head to first response byte, or null if none
   * @param totalMicros request head to flow end
   */
  public record Timings(
      Long connectMicros, Long tlsHandshakeMicros, Long firstByteMicros, long totalMicros) {}
}
