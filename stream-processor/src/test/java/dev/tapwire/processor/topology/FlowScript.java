package dev.tapwire.processor.topology;

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
import dev.tapwire.avro.Tunnel;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * Writes the raw events of one flow the way the proxy emits them: gapless sequence numbers from 0,
 * body parts of at most 256 KiB, SSE frames batched into chunks with per-frame arrival times.
 */
final class FlowScript {
  static final int PART = 256 * 1024;

  final UUID flowId;
  private final List<FlowEvent> events = new ArrayList<>();
  private Instant now;
  private long requestBytes;
  private long responseBytes;
  private int requestParts;
  private int responseParts;

  FlowScript(UUID flowId, Instant start) {
    this.flowId = flowId;
    this.now = start;
  }

  static FlowScript start(Instant start) {
    return new FlowScript(UUID.randomUUID(), start);
  }

  FlowScript after(Duration duration) {
    now = now.plus(duration);
    return this;
  }

  private FlowScript add(Object payload) {
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

  FlowScript request(String method, String host, String path, List<Header> headers) {
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

  FlowScript requestBody(byte[] body) {
    for (int offset = 0; offset < body.length; offset += PART) {
      byte[] part = Arrays.copyOfRange(body, offset, Math.min(body.length, offset + PART));
      add(new BodyPart(Direction.REQUEST, (long) offset, ByteBuffer.wrap(part)));
      requestParts++;
    }
    requestBytes += body.length;
    return this;
  }

  FlowScript requestBody(String body) {
    return requestBody(body.getBytes(StandardCharsets.UTF_8));
  }

  FlowScript response(int status, List<Header> headers) {
    return add(
        new ResponseHead(
            status, "", "HTTP/1.1", headers, Duration.between(firstTime(), now).toNanos() / 1000));
  }

  private Instant firstTime() {
    return events.get(0).getEventTime();
  }

  FlowScript responseBody(byte[] body) {
    for (int offset = 0; offset < body.length; offset += PART) {
      byte[] part = Arrays.copyOfRange(body, offset, Math.min(body.length, offset + PART));
      add(new BodyPart(Direction.RESPONSE, responseBytes + offset, ByteBuffer.wrap(part)));
      responseParts++;
    }
    responseBytes += body.length;
    return this;
  }

  FlowScript responseBody(String body) {
    return responseBody(body.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Splits an SSE transcript into frames (each ending with its blank line), each frame arriving
   * {@code gap} after the previous one, batched {@code framesPerChunk} to a chunk.
   */
  FlowScript sse(String transcript, Duration gap, int framesPerChunk) {
    List<String> frames = new ArrayList<>();
    int at = 0;
    while (at < transcript.length()) {
      int end = transcript.indexOf("\n\n", at);
      end = end < 0 ? transcript.length() : end + 2;
      frames.add(transcript.substring(at, end));
      at = end;
    }
    for (int i = 0; i < frames.size(); i += framesPerChunk) {
      List<SseFrame> batch = new ArrayList<>();
      StringBuilder data = new StringBuilder();
      for (String frame : frames.subList(i, Math.min(frames.size(), i + framesPerChunk))) {
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

  FlowScript end(Termination termination) {
    long total = Duration.between(firstTime(), now).toNanos() / 1000;
    return add(
        FlowEnd.newBuilder()
            .setTermination(termination)
            .setDetail(termination == Termination.COMPLETE ? null : "test")
            .setRequestBytes(requestBytes)
            .setResponseBytes(responseBytes)
            .setRequestSha256("00")
            .setResponseSha256("00")
            .setTotalMicros(total)
            .setRequestParts(requestParts)
            .setResponseParts(responseParts)
            .build());
  }

  FlowScript tunnel(String host) {
    return add(
        new Tunnel(host, 443, "127.0.0.1:1", now, 1000L, 10L, 20L, Termination.COMPLETE, null));
  }

  FlowScript error(ErrorKind kind, String message, String target) {
    return add(new FlowError(kind, message, "127.0.0.1:2", target, 502));
  }

  List<FlowEvent> events() {
    return events;
  }

  FlowEvent last() {
    return events.get(events.size() - 1);
  }
}
