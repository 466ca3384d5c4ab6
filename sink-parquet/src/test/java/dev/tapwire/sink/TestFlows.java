package dev.tapwire.sink;

import dev.tapwire.avro.BodyPart;
import dev.tapwire.avro.CaptureMode;
import dev.tapwire.avro.Direction;
import dev.tapwire.avro.ErrorKind;
import dev.tapwire.avro.FlowEnd;
import dev.tapwire.avro.FlowError;
import dev.tapwire.avro.FlowEvent;
import dev.tapwire.avro.Header;
import dev.tapwire.avro.RequestHead;
import dev.tapwire.avro.ResponseHead;
import dev.tapwire.avro.SseChunk;
import dev.tapwire.avro.SseFrame;
import dev.tapwire.avro.Termination;
import dev.tapwire.avro.TlsInfo;
import dev.tapwire.avro.Tunnel;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Raw flow events of every payload type, for tests. */
public final class TestFlows {

  private TestFlows() {}

  /** One streamed Messages call: request head, request body, response head, 2 SSE chunks, end. */
  public static List<FlowEvent> streamedCall(UUID flowId, Instant t0) {
    List<FlowEvent> events = new ArrayList<>();
    events.add(
        event(
            flowId,
            0,
            t0,
            RequestHead.newBuilder()
                .setMethod("POST")
                .setScheme("https")
                .setHost("api.anthropic.com")
                .setPort(443)
                .setPath("/v1/messages?beta=true")
                .setHttpVersion("HTTP/1.1")
                .setHeaders(
                    List.of(
                        new Header("host", "api.anthropic.com"),
                        new Header("x-api-key", "fp:api_key:0a1b2c"),
                        new Header("x-api-key", "second value keeps order")))
                .setClientAddress("127.0.0.1:50000")
                .setMode(CaptureMode.MITM)
                .setConnectionId("conn-1")
                .setTls(new TlsInfo("api.anthropic.com", "http/1.1", "TLSv1.3", null))
                .build()));
    byte[] request =
        "{\"model\":\"claude-sonnet-4-5\",\"stream\":true}".getBytes(StandardCharsets.UTF_8);
    events.add(
        event(
            flowId,
            1,
            t0.plusMillis(1),
            new BodyPart(Direction.REQUEST, 0L, ByteBuffer.wrap(request))));
    events.add(
        event(
            flowId,
            2,
            t0.plusMillis(300),
            ResponseHead.newBuilder()
                .setStatus(200)
                .setReason("OK")
                .setHttpVersion("HTTP/1.1")
                .setHeaders(List.of(new Header("content-type", "text/event-stream")))
                .setFirstByteMicros(300_000L)
                .build()));
    byte[] frame1 = "event: message_start\ndata: {}\n\n".getBytes(StandardCharsets.UTF_8);
    byte[] frame2 = "event: ping\ndata: {}\n\n".getBytes(StandardCharsets.UTF_8);
    ByteBuffer both =
        ByteBuffer.allocate(frame1.length + frame2.length).put(frame1).put(frame2).flip();
    events.add(
        event(
            flowId,
            3,
            t0.plusMillis(320),
            new SseChunk(
                0L,
                both,
                List.of(
                    new SseFrame(frame1.length, t0.plusMillis(310), true),
                    new SseFrame(frame2.length, t0.plusMillis(320), true)))));
    byte[] tail = "event: message_stop\ndata: {}".getBytes(StandardCharsets.UTF_8);
    events.add(
        event(
            flowId,
            4,
            t0.plusMillis(900),
            new SseChunk(
                (long) both.remaining(),
                ByteBuffer.wrap(tail),
                List.of(new SseFrame(tail.length, t0.plusMillis(900), false)))));
    events.add(
        event(
            flowId,
            5,
            t0.plusMillis(901),
            FlowEnd.newBuilder()
                .setTermination(Termination.COMPLETE)
                .setRequestBytes(request.length)
                .setResponseBytes(both.remaining() + tail.length)
                .setRequestSha256("aa")
                .setResponseSha256("bb")
                .setConnectMicros(1_000L)
                .setTlsHandshakeMicros(5_000L)
                .setFirstByteMicros(300_000L)
                .setTotalMicros(901_000L)
                .setRequestParts(1)
                .setResponseParts(2)
                .build()));
    return events;
  }

  /** A blind tunnel flow (one event). */
  public static FlowEvent tunnel(UUID flowId, Instant t0) {
    return event(
        flowId,
        0,
        t0,
        Tunnel.newBuilder()
            .setHost("example.org")
            .setPort(443)
            .setClientAddress("127.0.0.1:50001")
            .setStartTime(t0.minusSeconds(10))
            .setDurationMicros(10_000_000L)
            .setBytesClientToUpstream(1234)
            .setBytesUpstreamToClient(5678)
            .setTermination(Termination.COMPLETE)
            .build());
  }

  /** A refused request (one event). */
  public static FlowEvent error(UUID flowId, Instant t0) {
    return event(
        flowId,
        0,
        t0,
        FlowError.newBuilder()
            .setKind(ErrorKind.PORT_NOT_ALLOWED)
            .setMessage("port 25 is not allowed")
            .setTarget("smtp.example.org:25")
            .setStatusSent(403)
            .build());
  }

  static FlowEvent event(UUID flowId, long seq, Instant time, Object payload) {
    return new FlowEvent(flowId, seq, "proxy-1", time, payload);
  }
}
