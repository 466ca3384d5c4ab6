package dev.tapwire.replay;

import dev.tapwire.avro.BodyPart;
import dev.tapwire.avro.CaptureMode;
import dev.tapwire.avro.Direction;
import dev.tapwire.avro.FlowEnd;
import dev.tapwire.avro.FlowEvent;
import dev.tapwire.avro.Header;
import dev.tapwire.avro.RequestHead;
import dev.tapwire.avro.ResponseHead;
import dev.tapwire.avro.SseChunk;
import dev.tapwire.avro.SseFrame;
import dev.tapwire.avro.Termination;
import dev.tapwire.avro.Tunnel;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Writes the raw events of one flow as the proxy emits them: gapless sequence numbers from 0, SSE
 * frames batched into chunks with per-frame arrival times, a FlowEnd with byte counts.
 */
final class FlowBuilder {
  final UUID flowId;
  private final List<FlowEvent> events = new ArrayList<>();
  private Instant now;
  private final Instant start;
  private long requestBytes;
  private long responseBytes;
  private int requestParts;
  private int responseParts;

  private FlowBuilder(UUID flowId, Instant start) {
    this.flowId = flowId;
    this.start = start;
    this.now = start;
  }

  static FlowBuilder start(Instant start) {
    return new FlowBuilder(UUID.randomUUID(), start);
  }

  FlowBuilder after(Duration duration) {
    now = now.plus(duration);
    return this;
  }

  private FlowBuilder add(Object payload) {
    events.add(
        FlowEvent.newBuilder()
            .setFlowId(flowId)
            .setSeq(events.size())
            .setProxyId("proxy-test")
            .setEventTime(now)
            .setPayload(payload)
            .build());
    return this;
  }

  static List<Header> headers(String... nameValues) {
    List<Header> headers = new ArrayList<>();
    for (int i = 0; i < nameValues.length; i += 2) {
      headers.add(new Header(nameValues[i], nameValues[i + 1]));
    }
    return headers;
  }

  FlowBuilder request(String method, String host, String path, List<Header> headers) {
    return add(
        RequestHead.newBuilder()
            .setMethod(method)
            .setScheme("https")
            .setHost(host)
            .setPort(443)
            .setPath(path)
            .setHttpVersion("HTTP/1.1")
            .setHeaders(headers)
            .setClientAddress("127.0.0.1:50000")
            .setMode(CaptureMode.MITM)
            .setConnectionId("conn-1")
            .setTls(null)
            .build());
  }

  FlowBuilder requestBody(String body) {
    return requestBodyBytes(body.getBytes(StandardCharsets.UTF_8));
  }

  FlowBuilder requestBodyBytes(byte[] bytes) {
    add(new BodyPart(Direction.REQUEST, requestBytes, ByteBuffer.wrap(bytes)));
    requestBytes += bytes.length;
    requestParts++;
    return this;
  }

  FlowBuilder response(int status, List<Header> headers) {
    return add(
        new ResponseHead(
            status, "OK", "HTTP/1.1", headers, Duration.between(start, now).toNanos() / 1000));
  }

  FlowBuilder responseBody(byte[] bytes) {
    add(new BodyPart(Direction.RESPONSE, responseBytes, ByteBuffer.wrap(bytes)));
    responseBytes += bytes.length;
    responseParts++;
    return this;
  }

  FlowBuilder responseBody(String body) {
    return responseBody(body.getBytes(StandardCharsets.UTF_8));
  }

  /** Splits an SSE transcript into frames (blank-line terminated), {@code perChunk} per chunk. */
  FlowBuilder sse(String transcript, Duration gap, int perChunk) {
    List<String> frames = new ArrayList<>();
    int at = 0;
    while (at < transcript.length()) {
      int end = transcript.indexOf("\n\n", at);
      end = end < 0 ? transcript.length() : end + 2;
      frames.add(transcript.substring(at, end));
      at = end;
    }
    for (int i = 0; i < frames.size(); i += perChunk) {
      List<SseFrame> batch = new ArrayList<>();
      StringBuilder data = new StringBuilder();
      for (String frame : frames.subList(i, Math.min(frames.size(), i + perChunk))) {
        now = now.plus(gap);
        byte[] bytes = frame.getBytes(StandardCharsets.UTF_8);
        batch.add(new SseFrame(bytes.length, now, frame.endsWith("\n\n")));
        data.append(frame);
      }
      byte[] bytes = data.toString().getBytes(StandardCharsets.UTF_8);
      add(new SseChunk(responseBytes, ByteBuffer.wrap(bytes), batch));
      responseBytes += bytes.length;
      responseParts++;
    }
    return this;
  }

  FlowBuilder end() {
    return add(
        FlowEnd.newBuilder()
            .setTermination(Termination.COMPLETE)
            .setDetail(null)
            .setRequestBytes(requestBytes)
            .setResponseBytes(responseBytes)
            .setRequestSha256("00")
            .setResponseSha256("00")
            .setTotalMicros(Duration.between(start, now).toNanos() / 1000)
            .setRequestParts(requestParts)
            .setResponseParts(responseParts)
            .build());
  }

  FlowBuilder tunnel(String host) {
    return add(
        new Tunnel(host, 443, "127.0.0.1:1", now, 1000L, 10L, 20L, Termination.COMPLETE, null));
  }

  List<FlowEvent> events() {
    return events;
  }
}
