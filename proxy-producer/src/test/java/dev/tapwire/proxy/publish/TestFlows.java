package dev.tapwire.proxy.publish;

import dev.tapwire.avro.BodyPart;
import dev.tapwire.avro.CaptureMode;
import dev.tapwire.avro.Direction;
import dev.tapwire.avro.FlowEnd;
import dev.tapwire.avro.FlowEvent;
import dev.tapwire.avro.Header;
import dev.tapwire.avro.RequestHead;
import dev.tapwire.avro.Termination;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Builds realistic flow events for publisher tests: request head, body parts, flow end. */
public final class TestFlows {
  private TestFlows() {}

  /**
   * One flow of {@code parts + 2} events with seq 0..parts+1: a request head, {@code parts} request
   * body parts of {@code partBytes} bytes each, and a flow end.
   */
  public static List<FlowEvent> flow(UUID flowId, int parts, int partBytes) {
    List<FlowEvent> events = new ArrayList<>();
    Instant now = Instant.parse("2026-11-21T12:00:00Z");
    events.add(
        event(
            flowId,
            0,
            now,
            RequestHead.newBuilder()
                .setMethod("POST")
                .setScheme("https")
                .setHost("api.anthropic.com")
                .setPort(443)
                .setPath("/v1/messages?beta=true")
                .setHttpVersion("HTTP/1.1")
                .setHeaders(
                    List.of(
                        new Header("content-type", "application/json"),
                        new Header("x-api-key", "fp:api_key:00ff")))
                .setClientAddress("127.0.0.1:50000")
                .setMode(CaptureMode.MITM)
                .setConnectionId("c-1")
                .setTls(null)
                .build()));
    for (int i = 0; i < parts; i++) {
      byte[] data = new byte[partBytes];
      for (int b = 0; b < partBytes; b++) {
        data[b] = (byte) ('a' + (b + i) % 26);
      }
      events.add(
          event(
              flowId,
              i + 1,
              now,
              BodyPart.newBuilder()
                  .setDirection(Direction.REQUEST)
                  .setOffset((long) i * partBytes)
                  .setData(ByteBuffer.wrap(data))
                  .build()));
    }
    events.add(
        event(
            flowId,
            parts + 1,
            now,
            FlowEnd.newBuilder()
                .setTermination(Termination.COMPLETE)
                .setRequestBytes((long) parts * partBytes)
                .setResponseBytes(0)
                .setRequestSha256("00")
                .setResponseSha256("00")
                .setTotalMicros(1000)
                .setRequestParts(parts)
                .build()));
    return events;
  }

  /**
   * {@code flows} flows of {@code parts + 2} events each, interleaved round-robin as concurrent
   * connections would hand them over.
   */
  public static List<FlowEvent> interleaved(int flows, int parts, int partBytes) {
    List<List<FlowEvent>> all = new ArrayList<>();
    for (int f = 0; f < flows; f++) {
      all.add(flow(UUID.randomUUID(), parts, partBytes));
    }
    List<FlowEvent> out = new ArrayList<>();
    for (int i = 0; i < parts + 2; i++) {
      for (List<FlowEvent> flow : all) {
        out.add(flow.get(i));
      }
    }
    return out;
  }

  private static FlowEvent event(UUID flowId, long seq, Instant time, Object payload) {
    return FlowEvent.newBuilder()
        .setFlowId(flowId)
        .setSeq(seq)
        .setProxyId("test-proxy")
        .setEventTime(time)
        .setPayload(payload)
        .build();
  }
}
