package dev.tapwire.processor.call;

import dev.tapwire.avro.BodyPart;
import dev.tapwire.avro.Direction;
import dev.tapwire.avro.FlowEnd;
import dev.tapwire.avro.FlowError;
import dev.tapwire.avro.FlowEvent;
import dev.tapwire.avro.RequestHead;
import dev.tapwire.avro.ResponseHead;
import dev.tapwire.avro.SseChunk;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The events of one flow, gathered in sequence order when the flow ends (or times out). Body parts
 * are kept as the individual {@link ByteBuffer}s read from the store; they are only joined when
 * decoded. Unknown payload types are ignored.
 */
public final class FlowContents {
  private UUID flowId;
  private String proxyId;
  private RequestHead requestHead;
  private Instant requestTime;
  private ResponseHead responseHead;
  private FlowEnd flowEnd;
  private Instant endTime;
  private FlowError flowError;
  private Instant errorTime;
  private Instant lastEventTime;
  private final List<ByteBuffer> requestBody = new ArrayList<>();
  private final List<ByteBuffer> responseBody = new ArrayList<>();
  private final List<SseChunk> sseChunks = new ArrayList<>();

  /** Adds the next event of the flow (callers add in sequence order). */
  public FlowContents add(FlowEvent event) {
    if (flowId == null) {
      flowId = event.getFlowId();
      proxyId = event.getProxyId();
    }
    lastEventTime = event.getEventTime();
    Object payload = event.getPayload();
    if (payload instanceof RequestHead head) {
      requestHead = head;
      requestTime = event.getEventTime();
    } else if (payload instanceof BodyPart part) {
      (part.getDirection() == Direction.REQUEST ? requestBody : responseBody).add(part.getData());
    } else if (payload instanceof ResponseHead head) {
      responseHead = head;
    } else if (payload instanceof SseChunk chunk) {
      sseChunks.add(chunk);
    } else if (payload instanceof FlowEnd end) {
      flowEnd = end;
      endTime = event.getEventTime();
    } else if (payload instanceof FlowError error) {
      if (flowError == null) {
        flowError = error;
        errorTime = event.getEventTime();
      }
    }
    return this;
  }

  public UUID flowId() {
    return flowId;
  }

  public String proxyId() {
    return proxyId;
  }

  /** The request head, or null for a lone flow error. */
  public RequestHead requestHead() {
    return requestHead;
  }

  /** When the request head was received; else the first error's time; else the last event. */
  public Instant startTime() {
    if (requestTime != null) {
      return requestTime;
    }
    return errorTime != null ? errorTime : lastEventTime;
  }

  public ResponseHead responseHead() {
    return responseHead;
  }

  /** The flow end, or null when the flow timed out. */
  public FlowEnd flowEnd() {
    return flowEnd;
  }

  /** When the flow ended, or null. */
  public Instant endTime() {
    return endTime;
  }

  /** The first flow error, or null. */
  public FlowError flowError() {
    return flowError;
  }

  /** The event time of the last event added. */
  public Instant lastEventTime() {
    return lastEventTime;
  }

  public List<ByteBuffer> requestBody() {
    return requestBody;
  }

  public List<ByteBuffer> responseBody() {
    return responseBody;
  }

  public List<SseChunk> sseChunks() {
    return sseChunks;
  }

  /** Joins buffers into one array (the buffers' positions are not changed). */
  public static byte[] join(List<ByteBuffer> parts) {
    int total = 0;
    for (ByteBuffer part : parts) {
      total += part.remaining();
    }
    byte[] out = new byte[total];
    int at = 0;
    for (ByteBuffer part : parts) {
      int n = part.remaining();
      part.duplicate().get(out, at, n);
      at += n;
    }
    return out;
  }

  /** Total remaining bytes of the buffers. */
  public static long size(List<ByteBuffer> parts) {
    long total = 0;
    for (ByteBuffer part : parts) {
      total += part.remaining();
    }
    return total;
  }
}
