package dev.tapwire.serde;

import dev.tapwire.avro.BodyPart;
import dev.tapwire.avro.CallIdentity;
import dev.tapwire.avro.CallRecord;
import dev.tapwire.avro.CallRequest;
import dev.tapwire.avro.CallResponse;
import dev.tapwire.avro.CaptureMode;
import dev.tapwire.avro.Cost;
import dev.tapwire.avro.CostStatus;
import dev.tapwire.avro.CredentialKind;
import dev.tapwire.avro.DeadLetter;
import dev.tapwire.avro.Direction;
import dev.tapwire.avro.ErrorKind;
import dev.tapwire.avro.FlowEnd;
import dev.tapwire.avro.FlowError;
import dev.tapwire.avro.FlowEvent;
import dev.tapwire.avro.Header;
import dev.tapwire.avro.Operation;
import dev.tapwire.avro.Outcome;
import dev.tapwire.avro.RateLimits;
import dev.tapwire.avro.RequestHead;
import dev.tapwire.avro.ResponseHead;
import dev.tapwire.avro.SseChunk;
import dev.tapwire.avro.SseFrame;
import dev.tapwire.avro.Termination;
import dev.tapwire.avro.Timing;
import dev.tapwire.avro.TlsInfo;
import dev.tapwire.avro.Tunnel;
import dev.tapwire.avro.Usage;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Realistic sample records of every Tapwire schema, one FlowEvent per payload type. Timestamps have
 * microsecond precision (what timestamp-micros keeps); decimals have scale 10.
 */
public final class SampleRecords {
  public static final UUID FLOW_ID = UUID.fromString("01936f2a-7b4c-7def-8a12-3456789abcde");
  public static final Instant T0 = Instant.parse("2026-11-21T20:15:30.123456Z");

  private SampleRecords() {}

  /** One FlowEvent per payload type, in flow order (seq 0..6). */
  public static List<FlowEvent> flowEventsOfEveryPayloadType() {
    return List.of(
        flowEvent(0, requestHead()),
        flowEvent(1, bodyPart()),
        flowEvent(2, responseHead()),
        flowEvent(3, sseChunk()),
        flowEvent(4, flowEnd()),
        flowEvent(5, tunnel()),
        flowEvent(6, flowError()));
  }

  public static FlowEvent flowEvent(long seq, Object payload) {
    return FlowEvent.newBuilder()
        .setFlowId(FLOW_ID)
        .setSeq(seq)
        .setProxyId("proxy-1")
        .setEventTime(T0.plusNanos(seq * 1_000))
        .setPayload(payload)
        .build();
  }

  public static RequestHead requestHead() {
    return RequestHead.newBuilder()
        .setMethod("POST")
        .setScheme("https")
        .setHost("api.anthropic.com")
        .setPort(443)
        .setPath("/v1/messages?beta=true")
        .setHttpVersion("HTTP/1.1")
        .setHeaders(
            List.of(
                new Header("content-type", "application/json"),
                new Header("x-api-key", "fp:api_key:" + "ab".repeat(32)),
                new Header("user-agent", "claude-cli/2.1.3 (external, cli)")))
        .setClientAddress("127.0.0.1:53122")
        .setMode(CaptureMode.MITM)
        .setConnectionId("conn-7")
        .setTls(new TlsInfo("api.anthropic.com", "http/1.1", "TLSv1.3", "TLS_AES_128_GCM_SHA256"))
        .build();
  }

  public static BodyPart bodyPart() {
    return BodyPart.newBuilder()
        .setDirection(Direction.REQUEST)
        .setOffset(262_144)
        .setData(
            ByteBuffer.wrap("{\"model\":\"claude-sonnet-4-5\"}".getBytes(StandardCharsets.UTF_8)))
        .build();
  }

  public static ResponseHead responseHead() {
    return ResponseHead.newBuilder()
        .setStatus(200)
        .setReason("OK")
        .setHttpVersion("HTTP/1.1")
        .setHeaders(
            List.of(
                new Header("content-type", "text/event-stream"),
                new Header("request-id", "req_011CV")))
        .setFirstByteMicros(812_345)
        .build();
  }

  public static SseChunk sseChunk() {
    byte[] frames =
        ("event: ping\ndata: {\"type\": \"ping\"}\n\n"
                + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n")
            .getBytes(StandardCharsets.UTF_8);
    return SseChunk.newBuilder()
        .setOffset(1024)
        .setData(ByteBuffer.wrap(frames))
        .setFrames(
            List.of(
                new SseFrame(33, T0.plusMillis(5), true),
                new SseFrame(frames.length - 33, T0.plusMillis(9), false)))
        .build();
  }

  public static FlowEnd flowEnd() {
    return FlowEnd.newBuilder()
        .setTermination(Termination.COMPLETE)
        .setDetail(null)
        .setRequestBytes(51_234)
        .setResponseBytes(8_765)
        .setRequestSha256("0".repeat(64))
        .setResponseSha256("f".repeat(64))
        .setConnectMicros(1_200L)
        .setTlsHandshakeMicros(15_000L)
        .setFirstByteMicros(812_345L)
        .setTotalMicros(4_000_000)
        .setRequestParts(1)
        .setResponseParts(3)
        .build();
  }

  public static Tunnel tunnel() {
    return Tunnel.newBuilder()
        .setHost("statsig.anthropic.com")
        .setPort(443)
        .setClientAddress("127.0.0.1:53123")
        .setStartTime(T0)
        .setDurationMicros(2_500_000)
        .setBytesClientToUpstream(4_096)
        .setBytesUpstreamToClient(16_384)
        .setTermination(Termination.CLIENT_ABORTED)
        .setDetail("client closed")
        .build();
  }

  public static FlowError flowError() {
    return FlowError.newBuilder()
        .setKind(ErrorKind.PORT_NOT_ALLOWED)
        .setMessage("port 25 is not allowed")
        .setClientAddress("127.0.0.1:53124")
        .setTarget("smtp.example.com:25")
        .setStatusSent(403)
        .build();
  }

  /** A call record with decimals, a map, arrays, enums and timestamps filled in. */
  public static CallRecord callRecord() {
    Map<String, String> rateLimitHeaders = new LinkedHashMap<>();
    rateLimitHeaders.put("anthropic-ratelimit-unified-status", "allowed");
    rateLimitHeaders.put("anthropic-ratelimit-unified-5h-utilization", "0.42");
    return CallRecord.newBuilder()
        .setCallId(FLOW_ID)
        .setProxyId("proxy-1")
        .setOutcome(Outcome.COMPLETE)
        .setTermination("COMPLETE")
        .setIdentity(
            CallIdentity.newBuilder()
                .setUpstreamRequestId("req_011CV")
                .setMessageId("msg_01XYZ")
                .setSessionId("2b9c6a7e-6c1d-4a8e-9f3e-1a2b3c4d5e6f")
                .setSessionIdSource("header")
                .setClientName("claude-cli")
                .setClientVersion("2.1.3")
                .setCredentialFingerprint("ab".repeat(32))
                .setCredentialKind(CredentialKind.API_KEY)
                .setClientAddress("127.0.0.1:53122")
                .build())
        .setRequest(
            CallRequest.newBuilder()
                .setProvider("anthropic")
                .setHost("api.anthropic.com")
                .setMethod("POST")
                .setPath("/v1/messages?beta=true")
                .setOperation(Operation.MESSAGES)
                .setModel("claude-sonnet-4-5")
                .setStream(true)
                .setMaxTokens(32_000L)
                .setMessageCount(3)
                .setToolCount(12)
                .setRequestBytes(51_234)
                .setAnthropicBeta(
                    List.of("claude-code-20250219", "interleaved-thinking-2025-05-14"))
                .build())
        .setResponse(
            CallResponse.newBuilder()
                .setStatus(200)
                .setModel("claude-sonnet-4-5-20250929")
                .setStopReason("tool_use")
                .setStreamed(true)
                .setSseEventCount(42)
                .setToolNames(List.of("Bash", "Read"))
                .setResponseBytes(8_765)
                .build())
        .setUsage(
            Usage.newBuilder()
                .setInputTokens(12L)
                .setOutputTokens(345L)
                .setCacheCreationInputTokens(2_000L)
                .setCacheCreation5mInputTokens(2_000L)
                .setCacheCreation1hInputTokens(0L)
                .setCacheReadInputTokens(48_000L)
                .setServiceTier("standard")
                .setSource("message_delta")
                .setGenAiUsageInputTokens(50_012L)
                .setGenAiUsageOutputTokens(345L)
                .build())
        .setCost(
            Cost.newBuilder()
                .setStatus(CostStatus.PRICED)
                .setTotalUsd(new BigDecimal("0.0297110000"))
                .setInputUsd(new BigDecimal("0.0000360000"))
                .setCacheWrite5mUsd(new BigDecimal("0.0075000000"))
                .setCacheWrite1hUsd(new BigDecimal("0.0000000000"))
                .setCacheReadUsd(new BigDecimal("0.0144000000"))
                .setOutputUsd(new BigDecimal("0.0051750000"))
                .setPriceTableVersion("2026-11-01")
                .setPricedModel("claude-sonnet-4-5")
                .build())
        .setTiming(
            Timing.newBuilder()
                .setStart(T0)
                .setFirstByte(T0.plusMillis(812))
                .setFirstToken(T0.plusMillis(900))
                .setEnd(T0.plusSeconds(4))
                .setDurationMs(4000.0)
                .setTimeToFirstByteMs(812.345)
                .setTimeToFirstTokenMs(900.0)
                .setOutputTokensPerSecond(111.29)
                .build())
        .setRateLimits(
            RateLimits.newBuilder()
                .setHeaders(rateLimitHeaders)
                .setUnifiedStatus("allowed")
                .setUnified5hUtilization(0.42)
                .setUnified5hReset(T0.plusSeconds(3600))
                .build())
        .setProcessedAt(T0.plusSeconds(5))
        .setProcessorVersion("0.1.0")
        .build();
  }

  public static DeadLetter deadLetter() {
    return DeadLetter.newBuilder()
        .setSourceTopic("tapwire.flows.raw")
        .setSourcePartition(3)
        .setSourceOffset(123_456_789L)
        .setKey(ByteBuffer.wrap(FLOW_ID.toString().getBytes(StandardCharsets.UTF_8)))
        .setValue(ByteBuffer.wrap(new byte[] {1, 2, 3, 0, -1}))
        .setStage("deserialize")
        .setReason("Unknown magic byte 1")
        .setErrorClass("org.apache.kafka.common.errors.SerializationException")
        .setApplication("stream-processor")
        .setFailedAt(T0)
        .build();
  }
}
