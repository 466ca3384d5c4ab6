package dev.tapwire.processor.topology;

import static dev.tapwire.processor.topology.FlowScript.headers;
import static dev.tapwire.processor.topology.Transcripts.anthropicRequest;
import static dev.tapwire.processor.topology.Transcripts.completeStream;
import static dev.tapwire.processor.topology.Transcripts.event;
import static dev.tapwire.processor.topology.Transcripts.messageDelta;
import static dev.tapwire.processor.topology.Transcripts.messageStart;
import static dev.tapwire.processor.topology.Transcripts.textBlock;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.avro.CallRecord;
import dev.tapwire.avro.CostStatus;
import dev.tapwire.avro.CredentialKind;
import dev.tapwire.avro.DeadLetter;
import dev.tapwire.avro.ErrorKind;
import dev.tapwire.avro.FlowEvent;
import dev.tapwire.avro.Header;
import dev.tapwire.avro.Operation;
import dev.tapwire.avro.Outcome;
import dev.tapwire.avro.Termination;
import dev.tapwire.processor.ProcessorConfig;
import dev.tapwire.registry.InMemorySchemaRegistry;
import dev.tapwire.schemas.Topics;
import dev.tapwire.serde.AvroSerdes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One test per branch of the topology, on {@link TopologyTestDriver} with the real serdes. */
class CallTopologyTest {
  private static final Instant T0 = Instant.parse("2026-11-15T10:00:00Z");
  private static final String ANTHROPIC = "api.anthropic.com";
  private static final String SESSION = "5f0c2b1e-8a0d-4c3e-9a7b-2d1e0f9c8b7a";

  @TempDir Path stateDir;

  private TopologyTestDriver driver;
  private TestInputTopic<String, FlowEvent> raw;
  private TestInputTopic<byte[], byte[]> rawBytes;
  private TestOutputTopic<String, CallRecord> calls;
  private TestOutputTopic<String, DeadLetter> dlq;

  @BeforeEach
  void startDriver() {
    InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    Serde<FlowEvent> flowSerde = AvroSerdes.specific(FlowEvent.class, registry, false);
    Serde<CallRecord> callSerde = AvroSerdes.specific(CallRecord.class, registry, false);
    Serde<DeadLetter> dlqSerde = AvroSerdes.specific(DeadLetter.class, registry, false);
    ProcessorConfig config =
        new ProcessorConfig(
            Map.of(
                ProcessorConfig.FLOW_TIMEOUT_MS, "60000",
                ProcessorConfig.PUNCTUATE_INTERVAL_MS, "1000"));
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "topology-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    driver =
        new TopologyTestDriver(
            CallTopology.build(
                config,
                flowSerde,
                callSerde,
                dlqSerde,
                Clock.fixed(T0.plusSeconds(3600), ZoneOffset.UTC)),
            props,
            T0);
    raw = driver.createInputTopic(Topics.RAW_FLOWS, new StringSerializer(), flowSerde.serializer());
    rawBytes =
        driver.createInputTopic(
            Topics.RAW_FLOWS, new ByteArraySerializer(), new ByteArraySerializer());
    calls =
        driver.createOutputTopic(Topics.CALLS, new StringDeserializer(), callSerde.deserializer());
    dlq =
        driver.createOutputTopic(
            Topics.FLOWS_DLQ, new StringDeserializer(), dlqSerde.deserializer());
  }

  @AfterEach
  void closeDriver() {
    driver.close();
  }

  private void pipe(FlowScript flow) {
    pipe(flow.events());
  }

  private void pipe(List<FlowEvent> events) {
    for (FlowEvent event : events) {
      raw.pipeInput(event.getFlowId().toString(), event, event.getEventTime());
    }
  }

  private CallRecord onlyCall() {
    List<KeyValue<String, CallRecord>> records = calls.readKeyValuesToList();
    assertThat(records).hasSize(1);
    assertThat(records.get(0).key).isEqualTo(records.get(0).value.getCallId().toString());
    return records.get(0).value;
  }

  private static List<Header> anthropicRequestHeaders(String... extra) {
    List<Header> headers =
        headers(
            "Host", ANTHROPIC,
            "User-Agent", "claude-cli/2.1.3 (external, cli)",
            "x-api-key", "fp:api_key:4f2a",
            "anthropic-version", "2023-06-01",
            "anthropic-beta", "claude-code-20250219,interleaved-thinking-2025-05-14",
            "x-client-request-id", "creq-1",
            "content-type", "application/json");
    headers.addAll(headers(extra));
    return headers;
  }

  private static List<Header> sseResponseHeaders() {
    return headers(
        "Content-Type", "text/event-stream; charset=utf-8",
        "request-id", "req_011",
        "anthropic-ratelimit-unified-status", "allowed",
        "anthropic-ratelimit-unified-5h-utilization", "0.25");
  }

  private static FlowScript streamingCall(String model, String transcript) {
    return FlowScript.start(T0)
        .request("POST", ANTHROPIC, "/v1/messages?beta=true", anthropicRequestHeaders())
        .requestBody(anthropicRequest(model, true, null))
        .after(Duration.ofMillis(400))
        .response(200, sseResponseHeaders())
        .sse(transcript, Duration.ofMillis(50), 3);
  }

  private long storeEntries(String store) {
    KeyValueStore<Bytes, ?> kv = driver.getKeyValueStore(store);
    long n = 0;
    try (KeyValueIterator<Bytes, ?> it = kv.all()) {
      while (it.hasNext()) {
        it.next();
        n++;
      }
    }
    return n;
  }

  @Test
  void shouldEmitCompleteCallWithUsageCostTimingAndAttributionForAStream() {
    FlowScript flow =
        streamingCall("claude-sonnet-4-5", completeStream("claude-sonnet-4-5-20250929"))
            .after(Duration.ofMillis(10))
            .end(Termination.COMPLETE);
    pipe(flow);

    CallRecord call = onlyCall();
    assertThat(call.getCallId()).isEqualTo(flow.flowId);
    assertThat(call.getOutcome()).isEqualTo(Outcome.COMPLETE);
    assertThat(call.getTermination()).isEqualTo("COMPLETE");
    assertThat(call.getRequest().getOperation()).isEqualTo(Operation.MESSAGES);
    assertThat(call.getRequest().getProvider()).isEqualTo("anthropic");
    assertThat(call.getRequest().getModel()).isEqualTo("claude-sonnet-4-5");
    assertThat(call.getRequest().getStream()).isTrue();
    assertThat(call.getRequest().getAnthropicBeta())
        .containsExactly("claude-code-20250219", "interleaved-thinking-2025-05-14");
    assertThat(call.getResponse().getModel()).isEqualTo("claude-sonnet-4-5-20250929");
    assertThat(call.getResponse().getStatus()).isEqualTo(200);
    assertThat(call.getResponse().getStreamed()).isTrue();
    assertThat(call.getResponse().getStopReason()).isEqualTo("end_turn");
    assertThat(call.getResponse().getSseEventCount()).isEqualTo(7);
    assertThat(call.getUsage().getInputTokens()).isEqualTo(25L);
    assertThat(call.getUsage().getOutputTokens()).isEqualTo(15L);
    assertThat(call.getUsage().getGenAiUsageInputTokens()).isEqualTo(25L + 1000 + 5000);
    assertThat(call.getUsage().getSource()).isEqualTo("message_delta");
    assertThat(call.getCost().getStatus()).isEqualTo(CostStatus.PRICED);
    // 25*3 + 1000*3.75 + 5000*0.30 + 15*15 per million = 0.000075 + 0.00375 + 0.0015 + 0.000225
    assertThat(call.getCost().getTotalUsd()).isEqualByComparingTo(new BigDecimal("0.00555"));
    assertThat(call.getCost().getPriceTableVersion()).isEqualTo("2026-11-01");
    assertThat(call.getIdentity().getMessageId()).isEqualTo("msg_01");
    assertThat(call.getIdentity().getUpstreamRequestId()).isEqualTo("req_011");
    assertThat(call.getIdentity().getClientRequestId()).isEqualTo("creq-1");
    assertThat(call.getIdentity().getClientName()).isEqualTo("claude-cli");
    assertThat(call.getIdentity().getClientVersion()).isEqualTo("2.1.3");
    assertThat(call.getIdentity().getCredentialKind()).isEqualTo(CredentialKind.API_KEY);
    assertThat(call.getIdentity().getCredentialFingerprint()).isEqualTo("4f2a");
    assertThat(call.getRateLimits().getUnified5hUtilization()).isEqualTo(0.25);
    // 7 frames 50 ms apart after the head at 400 ms: message_start, content_block_start, ping,
    // content_block_delta (first token, frame 4), content_block_stop, message_delta, message_stop
    assertThat(call.getTiming().getStart()).isEqualTo(T0);
    assertThat(call.getTiming().getTimeToFirstByteMs()).isEqualTo(400.0);
    assertThat(call.getTiming().getTimeToFirstTokenMs()).isEqualTo(400.0 + 4 * 50);
    assertThat(call.getTiming().getDurationMs()).isEqualTo(400.0 + 7 * 50 + 10);
    assertThat(call.getTiming().getOutputTokensPerSecond())
        .isCloseTo(15 / 0.16, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(call.getProcessedAt()).isEqualTo(T0.plusSeconds(3600));
    assertThat(dlq.isEmpty()).isTrue();
    assertThat(storeEntries(CallTopology.FLOW_EVENTS_STORE)).isZero();
    assertThat(storeEntries(CallTopology.FLOW_STATE_STORE)).isZero();
  }

  @Test
  void shouldReadHundredsOfEventsBackInSequenceOrder() {
    StringBuilder transcript =
        new StringBuilder(
            messageStart(
                "msg_many", "claude-haiku-4-5", "{\"input_tokens\":5,\"output_tokens\":1}"));
    for (int i = 1; i <= 300; i++) {
      transcript.append(
          event(
              "content_block_delta",
              "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"t\"}}"));
      if (i % 30 == 0) {
        // cumulative: a reordering would leave a smaller count last
        transcript.append(
            messageDelta(i == 300 ? "end_turn" : "max_tokens", "{\"output_tokens\":" + i + "}"));
      }
    }
    transcript.append(Transcripts.messageStop());
    // one frame per SseChunk: seq numbers run past 127 and 255 (byte-order boundaries of the keys)
    FlowScript flow =
        FlowScript.start(T0)
            .request("POST", ANTHROPIC, "/v1/messages", anthropicRequestHeaders())
            .requestBody(anthropicRequest("claude-haiku-4-5", true, null))
            .after(Duration.ofMillis(100))
            .response(200, sseResponseHeaders())
            .sse(transcript.toString(), Duration.ofMillis(1), 1)
            .end(Termination.COMPLETE);
    assertThat(flow.events().size()).isGreaterThan(300);
    pipe(flow);

    CallRecord call = onlyCall();
    assertThat(call.getOutcome()).isEqualTo(Outcome.COMPLETE);
    assertThat(call.getUsage().getOutputTokens()).isEqualTo(300L);
    assertThat(call.getResponse().getStopReason()).isEqualTo("end_turn");
    assertThat(call.getResponse().getSseEventCount()).isEqualTo(1 + 300 + 10 + 1);
    assertThat(call.getTiming().getTimeToFirstTokenMs()).isEqualTo(100.0 + 2);
  }

  @Test
  void shouldEmitNonStreamingCallFromResponseBody() {
    FlowScript flow =
        FlowScript.start(T0)
            .request("POST", ANTHROPIC, "/v1/messages", anthropicRequestHeaders())
            .requestBody(anthropicRequest("claude-haiku-4-5", false, null))
            .after(Duration.ofSeconds(2))
            .response(200, headers("content-type", "application/json", "request-id", "req_2"))
            .responseBody(
                "{\"id\":\"msg_2\",\"type\":\"message\",\"model\":\"claude-haiku-4-5-20251001\",\"stop_reason\":\"end_turn\","
                    + "\"content\":[{\"type\":\"text\",\"text\":\"Hi\"}],\"usage\":{\"input_tokens\":1000000,\"output_tokens\":1000000,"
                    + "\"service_tier\":\"standard\"}}")
            .end(Termination.COMPLETE);
    pipe(flow);

    CallRecord call = onlyCall();
    assertThat(call.getOutcome()).isEqualTo(Outcome.COMPLETE);
    assertThat(call.getResponse().getStreamed()).isFalse();
    assertThat(call.getUsage().getSource()).isEqualTo("response_body");
    assertThat(call.getUsage().getServiceTier()).isEqualTo("standard");
    assertThat(call.getCost().getTotalUsd()).isEqualByComparingTo(new BigDecimal("6"));
    assertThat(call.getTiming().getFirstToken()).isNull();
  }

  @Test
  void shouldRecordHttp529AsErrorResponseWithErrorType() {
    FlowScript flow =
        FlowScript.start(T0)
            .request("POST", ANTHROPIC, "/v1/messages", anthropicRequestHeaders())
            .requestBody(anthropicRequest("claude-opus-4-1", true, null))
            .response(529, headers("content-type", "application/json"))
            .responseBody(
                "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}")
            .end(Termination.COMPLETE);
    pipe(flow);

    CallRecord call = onlyCall();
    assertThat(call.getOutcome()).isEqualTo(Outcome.ERROR_RESPONSE);
    assertThat(call.getResponse().getStatus()).isEqualTo(529);
    assertThat(call.getResponse().getErrorType()).isEqualTo("overloaded_error");
    assertThat(call.getResponse().getErrorMessage()).isEqualTo("Overloaded");
    assertThat(call.getCost().getStatus()).isEqualTo(CostStatus.NO_USAGE);
  }

  @Test
  void shouldRecordMidStreamOverloadedErrorAsStreamError() {
    String transcript =
        messageStart("msg_3", "claude-sonnet-4-5", "{\"input_tokens\":10,\"output_tokens\":1}")
            + textBlock("Hel")
            + event(
                "error",
                "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}");
    pipe(streamingCall("claude-sonnet-4-5", transcript).end(Termination.COMPLETE));

    CallRecord call = onlyCall();
    assertThat(call.getOutcome()).isEqualTo(Outcome.STREAM_ERROR);
    assertThat(call.getResponse().getStatus()).isEqualTo(200);
    assertThat(call.getResponse().getErrorType()).isEqualTo("overloaded_error");
    assertThat(call.getUsage().getInputTokens()).isEqualTo(10L);
  }

  @Test
  void shouldRecordStreamWithoutMessageStopAsTruncated() {
    String transcript =
        messageStart("msg_4", "claude-sonnet-4-5", "{\"input_tokens\":10,\"output_tokens\":1}")
            + textBlock("Hel");
    pipe(streamingCall("claude-sonnet-4-5", transcript).end(Termination.COMPLETE));
    assertThat(onlyCall().getOutcome()).isEqualTo(Outcome.TRUNCATED);
  }

  @Test
  void shouldRecordClientAbortWithWhatWasKnown() {
    String transcript =
        messageStart("msg_5", "claude-sonnet-4-5", "{\"input_tokens\":10,\"output_tokens\":1}")
            + textBlock("Hel")
            + messageDelta("end_turn", "{\"output_tokens\":7}");
    pipe(streamingCall("claude-sonnet-4-5", transcript).end(Termination.CLIENT_ABORTED));

    CallRecord call = onlyCall();
    assertThat(call.getOutcome()).isEqualTo(Outcome.CLIENT_ABORTED);
    assertThat(call.getTermination()).isEqualTo("CLIENT_ABORTED");
    assertThat(call.getUsage().getOutputTokens()).isEqualTo(7L);
    assertThat(call.getCost().getStatus()).isEqualTo(CostStatus.PRICED);
  }

  @Test
  void shouldEmitTimedOutCallWhenFlowIsIdleForTimeoutAndDropItsLateEnd() {
    FlowScript flow =
        streamingCall(
            "claude-sonnet-4-5",
            messageStart(
                "msg_6", "claude-sonnet-4-5", "{\"input_tokens\":10,\"output_tokens\":1}"));
    pipe(flow);
    driver.advanceWallClockTime(Duration.ofSeconds(59));
    assertThat(calls.isEmpty()).isTrue();

    driver.advanceWallClockTime(Duration.ofSeconds(2));
    CallRecord call = onlyCall();
    assertThat(call.getOutcome()).isEqualTo(Outcome.TIMED_OUT);
    assertThat(call.getTermination()).isNull();
    assertThat(call.getTiming().getEnd()).isNull();
    assertThat(call.getUsage().getInputTokens()).isEqualTo(10L);
    assertThat(call.getIdentity().getMessageId()).isEqualTo("msg_6");
    assertThat(storeEntries(CallTopology.FLOW_EVENTS_STORE)).isZero();

    pipe(List.of(flow.end(Termination.COMPLETE).last()));
    assertThat(calls.isEmpty()).isTrue();
    assertThat(dlq.isEmpty()).isTrue();
  }

  @Test
  void shouldForgetFinishedFlowsAfterTheDedupRetention() {
    FlowScript flow =
        streamingCall("claude-haiku-4-5", completeStream("claude-haiku-4-5"))
            .end(Termination.COMPLETE);
    pipe(flow);
    assertThat(onlyCall().getCallId()).isEqualTo(flow.flowId);
    assertThat(storeEntries(CallTopology.FINISHED_FLOWS_STORE)).isEqualTo(1);
    assertThat(storeEntries(CallTopology.FINISHED_BY_TIME_STORE)).isEqualTo(1);

    driver.advanceWallClockTime(Duration.ofMinutes(9));
    assertThat(storeEntries(CallTopology.FINISHED_FLOWS_STORE)).isEqualTo(1);
    driver.advanceWallClockTime(Duration.ofMinutes(2));
    assertThat(storeEntries(CallTopology.FINISHED_FLOWS_STORE)).isZero();
    assertThat(storeEntries(CallTopology.FINISHED_BY_TIME_STORE)).isZero();
  }

  @Test
  void shouldDecodeGzipRequestAndResponseBodies() throws IOException {
    byte[] request = gzip(anthropicRequest("claude-haiku-4-5", false, null));
    byte[] response =
        gzip(
            "{\"id\":\"msg_7\",\"type\":\"message\",\"model\":\"claude-haiku-4-5\",\"stop_reason\":\"end_turn\","
                + "\"content\":[],\"usage\":{\"input_tokens\":3,\"output_tokens\":4}}");
    pipe(
        FlowScript.start(T0)
            .request(
                "POST",
                ANTHROPIC,
                "/v1/messages",
                anthropicRequestHeaders("Content-Encoding", "gzip"))
            .requestBody(request)
            .response(200, headers("content-type", "application/json", "content-encoding", "gzip"))
            .responseBody(response)
            .end(Termination.COMPLETE));

    CallRecord call = onlyCall();
    assertThat(call.getRequest().getModel()).isEqualTo("claude-haiku-4-5");
    assertThat(call.getRequest().getRequestBytes()).isEqualTo(request.length);
    assertThat(call.getRequest().getDecodeError()).isNull();
    assertThat(call.getResponse().getContentEncoding()).isEqualTo("gzip");
    assertThat(call.getUsage().getOutputTokens()).isEqualTo(4L);
  }

  @Test
  void shouldDecodeAGzipEventStreamAsAWhole() throws IOException {
    FlowScript flow =
        FlowScript.start(T0)
            .request("POST", ANTHROPIC, "/v1/messages", anthropicRequestHeaders())
            .requestBody(anthropicRequest("claude-haiku-4-5", true, null))
            .response(200, headers("content-type", "text/event-stream", "content-encoding", "gzip"))
            .responseBody(gzip(completeStream("claude-haiku-4-5")))
            .end(Termination.COMPLETE);
    pipe(flow);
    CallRecord call = onlyCall();
    assertThat(call.getResponse().getStreamed()).isTrue();
    assertThat(call.getResponse().getDecodeError()).isNull();
    assertThat(call.getOutcome()).isEqualTo(Outcome.COMPLETE);
    assertThat(call.getUsage().getOutputTokens()).isEqualTo(15L);
  }

  @Test
  void shouldRecordUndecodableBodyAsDecodeErrorNotCrash() {
    pipe(
        FlowScript.start(T0)
            .request(
                "POST",
                ANTHROPIC,
                "/v1/messages",
                anthropicRequestHeaders("Content-Encoding", "gzip"))
            .requestBody("this is not gzip")
            .response(200, headers("content-type", "application/json"))
            .responseBody(
                "{\"id\":\"msg_8\",\"type\":\"message\",\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}")
            .end(Termination.COMPLETE));
    CallRecord call = onlyCall();
    assertThat(call.getRequest().getDecodeError()).startsWith("gzip decoding failed");
    assertThat(call.getIdentity().getMessageId()).isEqualTo("msg_8");
  }

  private static byte[] gzip(String text) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  @Test
  void shouldHandleMultiMegabyteRequestBodyWithoutAnyStoreValueAboveOneMebibyte() {
    StringBuilder body =
        new StringBuilder(
            "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":100,\"stream\":true,\"messages\":[");
    String message = "{\"role\":\"user\",\"content\":\"" + "x".repeat(10_000) + "\"}";
    int messages = 600; // ~6 MB
    for (int i = 0; i < messages; i++) {
      body.append(i == 0 ? "" : ",").append(message);
    }
    body.append("]}");
    byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
    assertThat(bytes.length).isGreaterThan(5_000_000);
    FlowScript flow = streamingCall("claude-sonnet-4-5", completeStream("claude-sonnet-4-5"));
    // streamingCall already added a small body; build a fresh flow with the big one instead
    flow =
        FlowScript.start(T0)
            .request("POST", ANTHROPIC, "/v1/messages", anthropicRequestHeaders())
            .requestBody(bytes)
            .response(200, sseResponseHeaders())
            .sse(completeStream("claude-sonnet-4-5"), Duration.ofMillis(5), 4);
    pipe(flow);

    KeyValueStore<Bytes, byte[]> events = driver.getKeyValueStore(CallTopology.FLOW_EVENTS_STORE);
    List<Integer> sizes = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> it = events.all()) {
      it.forEachRemaining(kv -> sizes.add(kv.value.length));
    }
    assertThat(sizes).hasSize(flow.events().size());
    assertThat(sizes).allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(1024 * 1024));
    assertThat(sizes.stream().mapToLong(Integer::longValue).sum()).isGreaterThan(bytes.length);

    pipe(List.of(flow.end(Termination.COMPLETE).last()));
    CallRecord call = onlyCall();
    assertThat(call.getRequest().getRequestBytes()).isEqualTo(bytes.length);
    assertThat(call.getRequest().getMessageCount()).isEqualTo(messages);
    assertThat(call.getOutcome()).isEqualTo(Outcome.COMPLETE);
    assertThat(storeEntries(CallTopology.FLOW_EVENTS_STORE)).isZero();
  }

  @Test
  void shouldTakeSessionFromLegacyUserId() {
    String userId = "\"user_" + "ab".repeat(32) + "_account__session_" + SESSION + "\"";
    pipe(
        FlowScript.start(T0)
            .request("POST", ANTHROPIC, "/v1/messages", anthropicRequestHeaders())
            .requestBody(anthropicRequest("claude-haiku-4-5", true, userId))
            .response(200, sseResponseHeaders())
            .sse(completeStream("claude-haiku-4-5"), Duration.ofMillis(5), 2)
            .end(Termination.COMPLETE));
    CallRecord call = onlyCall();
    assertThat(call.getIdentity().getSessionId()).isEqualTo(SESSION);
    assertThat(call.getIdentity().getSessionIdSource()).isEqualTo("user_id_legacy");
    assertThat(call.getIdentity().getUserHash()).isEqualTo("ab".repeat(32));
    assertThat(call.getIdentity().getAccountUuid()).isNull();
  }

  @Test
  void shouldTakeSessionFromJsonUserIdAndPreferTheHeader() {
    String userId =
        "\"{\\\"device_id\\\":\\\"dev-9\\\",\\\"account_uuid\\\":\\\"acc-9\\\",\\\"session_id\\\":\\\""
            + SESSION
            + "\\\"}\"";
    pipe(
        FlowScript.start(T0)
            .request(
                "POST",
                ANTHROPIC,
                "/v1/messages",
                anthropicRequestHeaders(
                    "x-claude-code-agent-id",
                    "agent-2",
                    "x-claude-code-parent-agent-id",
                    "agent-1"))
            .requestBody(anthropicRequest("claude-haiku-4-5", true, userId))
            .response(200, sseResponseHeaders())
            .sse(completeStream("claude-haiku-4-5"), Duration.ofMillis(5), 2)
            .end(Termination.COMPLETE));
    CallRecord json = onlyCall();
    assertThat(json.getIdentity().getSessionId()).isEqualTo(SESSION);
    assertThat(json.getIdentity().getSessionIdSource()).isEqualTo("user_id_json");
    assertThat(json.getIdentity().getUserHash()).isEqualTo("dev-9");
    assertThat(json.getIdentity().getAccountUuid()).isEqualTo("acc-9");
    assertThat(json.getIdentity().getAgentId()).isEqualTo("agent-2");
    assertThat(json.getIdentity().getParentAgentId()).isEqualTo("agent-1");

    pipe(
        FlowScript.start(T0)
            .request(
                "POST",
                ANTHROPIC,
                "/v1/messages",
                anthropicRequestHeaders("X-Claude-Code-Session-Id", "header-session"))
            .requestBody(anthropicRequest("claude-haiku-4-5", true, userId))
            .response(200, sseResponseHeaders())
            .sse(completeStream("claude-haiku-4-5"), Duration.ofMillis(5), 2)
            .end(Termination.COMPLETE));
    CallRecord header = onlyCall();
    assertThat(header.getIdentity().getSessionId()).isEqualTo("header-session");
    assertThat(header.getIdentity().getSessionIdSource()).isEqualTo("header");
  }

  @Test
  void shouldGiveUnknownModelNullCostNeverAGuess() {
    pipe(
        streamingCall("claude-opus-4-9", completeStream("claude-opus-4-9"))
            .end(Termination.COMPLETE));
    CallRecord call = onlyCall();
    assertThat(call.getCost().getStatus()).isEqualTo(CostStatus.UNKNOWN_MODEL);
    assertThat(call.getCost().getTotalUsd()).isNull();
    assertThat(call.getCost().getPriceTableVersion()).isEqualTo("2026-11-01");
    assertThat(call.getUsage().getOutputTokens()).isEqualTo(15L);
  }

  private static FlowScript openAiStream(String transcript, boolean includeUsage) {
    return FlowScript.start(T0)
        .request(
            "POST",
            "api.openai.com",
            "/v1/chat/completions",
            headers("Authorization", "fp:bearer:beef", "User-Agent", "OpenAI/Python 1.99.1"))
        .requestBody(
            "{\"model\":\"gpt-4o\",\"stream\":true,"
                + (includeUsage ? "\"stream_options\":{\"include_usage\":true}," : "")
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
        .response(200, headers("content-type", "text/event-stream", "x-request-id", "req_oa"))
        .sse(transcript, Duration.ofMillis(20), 2)
        .end(Termination.COMPLETE);
  }

  private static final String OPENAI_CHUNKS =
      "data: {\"id\":\"chatcmpl-9\",\"model\":\"gpt-4o-2024-08-06\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n"
          + "data: {\"id\":\"chatcmpl-9\",\"model\":\"gpt-4o-2024-08-06\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n"
          + "data: {\"id\":\"chatcmpl-9\",\"model\":\"gpt-4o-2024-08-06\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n";

  @Test
  void shouldReadOpenAiStreamWithFinalUsageChunk() {
    pipe(
        openAiStream(
            OPENAI_CHUNKS
                + "data: {\"id\":\"chatcmpl-9\",\"model\":\"gpt-4o-2024-08-06\",\"choices\":[],\"usage\":{\"prompt_tokens\":9,"
                + "\"completion_tokens\":2,\"prompt_tokens_details\":{\"cached_tokens\":0}}}\n\n"
                + "data: [DONE]\n\n",
            true));
    CallRecord call = onlyCall();
    assertThat(call.getOutcome()).isEqualTo(Outcome.COMPLETE);
    assertThat(call.getRequest().getOperation()).isEqualTo(Operation.CHAT_COMPLETIONS);
    assertThat(call.getRequest().getProvider()).isEqualTo("openai");
    assertThat(call.getUsage().getInputTokens()).isEqualTo(9L);
    assertThat(call.getUsage().getOutputTokens()).isEqualTo(2L);
    assertThat(call.getUsage().getSource()).isEqualTo("openai_final_chunk");
    assertThat(call.getIdentity().getUpstreamRequestId()).isEqualTo("req_oa");
    assertThat(call.getIdentity().getCredentialKind()).isEqualTo(CredentialKind.OAUTH_BEARER);
    assertThat(call.getIdentity().getClientName()).isEqualTo("openai-python");
    assertThat(call.getCost().getStatus()).isEqualTo(CostStatus.UNKNOWN_MODEL);
    assertThat(call.getTiming().getTimeToFirstTokenMs()).isEqualTo(40.0);
  }

  @Test
  void shouldRecordOpenAiStreamWithoutUsageAsNoUsage() {
    pipe(openAiStream(OPENAI_CHUNKS + "data: [DONE]\n\n", false));
    CallRecord call = onlyCall();
    assertThat(call.getOutcome()).isEqualTo(Outcome.COMPLETE);
    assertThat(call.getUsage().getSource()).isNull();
    assertThat(call.getUsage().getInputTokens()).isNull();
    assertThat(call.getCost().getStatus()).isEqualTo(CostStatus.NO_USAGE);
    assertThat(call.getResponse().getStopReason()).isEqualTo("stop");
  }

  @Test
  void shouldDeadLetterPoisonRecordWithSourceCoordinatesAndProcessTheNextFlow() {
    rawBytes.pipeInput("k".getBytes(StandardCharsets.UTF_8), new byte[] {0, 0, 0, 0, 99, 1, 2, 3});
    pipe(
        streamingCall("claude-haiku-4-5", completeStream("claude-haiku-4-5"))
            .end(Termination.COMPLETE));

    List<DeadLetter> letters = dlq.readValuesToList();
    assertThat(letters).hasSize(1);
    DeadLetter letter = letters.get(0);
    assertThat(letter.getSourceTopic()).isEqualTo(Topics.RAW_FLOWS);
    assertThat(letter.getSourcePartition()).isZero();
    assertThat(letter.getSourceOffset()).isZero();
    assertThat(letter.getStage()).isEqualTo("deserialize");
    assertThat(letter.getReason()).startsWith("undecodable flow event");
    assertThat(letter.getApplication()).isEqualTo("tapwire-processor");
    assertThat(letter.getValue().array()).containsExactly(0, 0, 0, 0, 99, 1, 2, 3);
    assertThat(onlyCall().getOutcome()).isEqualTo(Outcome.COMPLETE);
  }

  @Test
  void shouldDeadLetterImpossibleSequencesButDropDuplicatesSilently() {
    FlowScript flow =
        streamingCall("claude-haiku-4-5", completeStream("claude-haiku-4-5"))
            .end(Termination.COMPLETE);
    List<FlowEvent> events = flow.events();
    // body part before request head: a flow whose first event is seq 1
    FlowScript orphan = streamingCall("claude-haiku-4-5", completeStream("claude-haiku-4-5"));
    pipe(List.of(orphan.events().get(1)));
    // duplicates: every event twice
    List<FlowEvent> doubled = new ArrayList<>();
    for (FlowEvent event : events.subList(0, events.size() - 1)) {
      doubled.add(event);
      doubled.add(event);
    }
    pipe(doubled);
    // a gap: skip to the FlowEnd's seq + 5
    FlowEvent gap = FlowEvent.newBuilder(flow.last()).setSeq(flow.last().getSeq() + 5).build();
    pipe(List.of(gap));
    pipe(List.of(flow.last(), flow.last()));

    assertThat(onlyCall().getCallId()).isEqualTo(flow.flowId);
    List<DeadLetter> letters = dlq.readValuesToList();
    assertThat(letters).hasSize(2);
    assertThat(letters.get(0).getReason()).contains("starts with BodyPart at seq 1");
    assertThat(letters.get(0).getStage()).isEqualTo("correlate");
    assertThat(letters.get(1).getReason()).contains("sequence gap");
  }

  @Test
  void shouldEmitNoCallForATunnelAndAProxyErrorCallForALoneFlowError() {
    pipe(FlowScript.start(T0).tunnel("github.com"));
    FlowScript error =
        FlowScript.start(T0)
            .error(ErrorKind.PORT_NOT_ALLOWED, "port 25 not allowed", "mail.example.com:25");
    pipe(error);

    CallRecord call = onlyCall();
    assertThat(call.getCallId()).isEqualTo(error.flowId);
    assertThat(call.getOutcome()).isEqualTo(Outcome.PROXY_ERROR);
    assertThat(call.getRequest().getHost()).isEqualTo("mail.example.com");
    assertThat(call.getResponse().getErrorType()).isEqualTo("proxy_port_not_allowed");
    assertThat(call.getIdentity().getClientAddress()).isEqualTo("127.0.0.1:2");
    assertThat(storeEntries(CallTopology.FLOW_STATE_STORE)).isZero();
  }

  @Test
  void shouldRecordTelemetryAndOtherFlowsWithTheirHttpFacts() {
    pipe(
        FlowScript.start(T0)
            .request("POST", ANTHROPIC, "/api/event_logging/batch", anthropicRequestHeaders())
            .requestBody("{\"events\":[]}")
            .response(200, headers("content-type", "application/json"))
            .responseBody("{}")
            .end(Termination.COMPLETE));
    CallRecord telemetry = onlyCall();
    assertThat(telemetry.getRequest().getOperation()).isEqualTo(Operation.TELEMETRY);
    assertThat(telemetry.getCost().getStatus()).isEqualTo(CostStatus.NOT_BILLABLE);
    assertThat(telemetry.getIdentity().getCredentialFingerprint()).isEqualTo("4f2a");

    pipe(
        FlowScript.start(T0)
            .request("GET", "example.com", "/index.html", headers())
            .response(404, headers("content-type", "text/html"))
            .responseBody("<html>no</html>")
            .end(Termination.COMPLETE));
    CallRecord other = onlyCall();
    assertThat(other.getRequest().getOperation()).isEqualTo(Operation.OTHER);
    assertThat(other.getRequest().getProvider()).isEqualTo("other");
    assertThat(other.getOutcome()).isEqualTo(Outcome.ERROR_RESPONSE);
    assertThat(other.getResponse().getResponseBytes()).isEqualTo(15L);
    assertThat(other.getIdentity().getCredentialKind()).isEqualTo(CredentialKind.NONE);
  }

  // --- Message Batches ---------------------------------------------------------------------------

  private static final String BATCH = "msgbatch_01HkcTjaV5uDC8jWR4ZsDV8d";
  private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
  private static final BigDecimal BATCH_DISCOUNT = new BigDecimal("0.5");

  private static String succeededLine(
      String customId, String messageId, String model, String usage) {
    return "{\"custom_id\":\""
        + customId
        + "\",\"result\":{\"type\":\"succeeded\",\"message\":{\"id\":\""
        + messageId
        + "\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\""
        + model
        + "\",\"content\":[{\"type\":\"text\",\"text\":\"Done.\"}],\"stop_reason\":\"end_turn\","
        + "\"stop_sequence\":null,\"usage\":"
        + usage
        + "}}}";
  }

  private static String erroredLine(String customId) {
    return "{\"custom_id\":\""
        + customId
        + "\",\"result\":{\"type\":\"errored\",\"error\":{\"type\":\"error\",\"error\":"
        + "{\"type\":\"invalid_request_error\",\"message\":\"max_tokens: Field required\"}}}}";
  }

  private static String endedLine(String customId, String type) {
    return "{\"custom_id\":\"" + customId + "\",\"result\":{\"type\":\"" + type + "\"}}";
  }

  /** Two succeeded lines of different models, one errored, one expired. */
  private static String fourResults() {
    return succeededLine(
            "req-a",
            "msg_01A",
            "claude-sonnet-4-5-20250929",
            "{\"input_tokens\":1000,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":2000,"
                + "\"output_tokens\":500,\"service_tier\":\"batch\"}")
        + "\n"
        + succeededLine(
            "req-b",
            "msg_01B",
            "claude-haiku-4-5-20251001",
            "{\"input_tokens\":4000,\"output_tokens\":200,\"service_tier\":\"batch\"}")
        + "\n"
        + erroredLine("req-c")
        + "\n"
        + endedLine("req-d", "expired")
        + "\n";
  }

  private static FlowScript resultsDownload(
      String path, int status, List<Header> responseHeaders, byte[] body) {
    return FlowScript.start(T0)
        .request(
            "GET",
            ANTHROPIC,
            path,
            headers(
                "Host", ANTHROPIC,
                "User-Agent", "Anthropic/Python 0.75.0",
                "x-api-key", "fp:api_key:77b1",
                "anthropic-version", "2023-06-01",
                "x-client-request-id", "creq-batch"))
        .after(Duration.ofMillis(120))
        .response(status, responseHeaders)
        .responseBody(body)
        .after(Duration.ofMillis(30))
        .end(Termination.COMPLETE);
  }

  private static FlowScript resultsDownload(String body) {
    return resultsDownload(
        "/v1/messages/batches/" + BATCH + "/results",
        200,
        headers("content-type", "application/binary", "request-id", "req_011batch"),
        body.getBytes(StandardCharsets.UTF_8));
  }

  private static UUID batchCallId(String customId) {
    return UUID.nameUUIDFromBytes(
        ("anthropic-batch-result:" + BATCH + ":" + customId).getBytes(StandardCharsets.UTF_8));
  }

  /** USD for tokens at a price per million tokens. */
  private static BigDecimal usd(long tokens, String perMillion) {
    return BigDecimal.valueOf(tokens).multiply(new BigDecimal(perMillion)).divide(MILLION);
  }

  private List<CallRecord> callsKeyedByCallId() {
    List<KeyValue<String, CallRecord>> records = calls.readKeyValuesToList();
    for (KeyValue<String, CallRecord> record : records) {
      assertThat(record.key).isEqualTo(record.value.getCallId().toString());
    }
    return records.stream().map(record -> record.value).toList();
  }

  @Test
  void shouldEmitOneBatchPricedMessagesRecordPerResultLine() {
    FlowScript download = resultsDownload(fourResults());
    pipe(download);

    List<CallRecord> records = callsKeyedByCallId();
    assertThat(records).hasSize(4);
    assertThat(records)
        .extracting(c -> c.getRequest().getBatchCustomId())
        .containsExactly("req-a", "req-b", "req-c", "req-d");
    assertThat(records)
        .extracting(CallRecord::getCallId)
        .containsExactly(
            batchCallId("req-a"), batchCallId("req-b"), batchCallId("req-c"), batchCallId("req-d"))
        .doesNotContain(download.flowId);
    for (CallRecord call : records) {
      assertThat(call.getRequest().getOperation()).isEqualTo(Operation.MESSAGES);
      assertThat(call.getRequest().getProvider()).isEqualTo("anthropic");
      assertThat(call.getRequest().getMethod()).isEqualTo("GET");
      assertThat(call.getRequest().getBatchId()).isEqualTo(BATCH);
      assertThat(call.getRequest().getModel()).isNull();
      assertThat(call.getIdentity().getCredentialFingerprint()).isEqualTo("77b1");
      assertThat(call.getIdentity().getCredentialKind()).isEqualTo(CredentialKind.API_KEY);
      assertThat(call.getIdentity().getClientName()).isEqualTo("anthropic-python");
      assertThat(call.getIdentity().getClientRequestId()).isEqualTo("creq-batch");
      assertThat(call.getIdentity().getUpstreamRequestId()).isEqualTo("req_011batch");
      assertThat(call.getTiming().getStart()).isEqualTo(T0);
      assertThat(call.getTiming().getTimeToFirstByteMs()).isEqualTo(120.0);
      assertThat(call.getTiming().getDurationMs()).isEqualTo(150.0);
      assertThat(call.getTiming().getFirstToken()).isNull();
      assertThat(call.getTiming().getTimeToFirstTokenMs()).isNull();
      assertThat(call.getTiming().getOutputTokensPerSecond()).isNull();
      assertThat(call.getResponse().getStatus()).isEqualTo(200);
    }

    // Sonnet 4.5 (DESIGN.md: 3 input / 0.30 cache read / 15 output per MTok), batch: input and
    // output at half price, cache read not discounted.
    CallRecord sonnet = records.get(0);
    BigDecimal sonnetUsd =
        usd(1000, "3")
            .multiply(BATCH_DISCOUNT)
            .add(usd(2000, "0.30"))
            .add(usd(500, "15").multiply(BATCH_DISCOUNT));
    assertThat(sonnetUsd).isEqualByComparingTo("0.00585");
    assertThat(sonnet.getOutcome()).isEqualTo(Outcome.COMPLETE);
    assertThat(sonnet.getIdentity().getMessageId()).isEqualTo("msg_01A");
    assertThat(sonnet.getResponse().getModel()).isEqualTo("claude-sonnet-4-5-20250929");
    assertThat(sonnet.getResponse().getStopReason()).isEqualTo("end_turn");
    assertThat(sonnet.getUsage().getInputTokens()).isEqualTo(1000L);
    assertThat(sonnet.getUsage().getCacheReadInputTokens()).isEqualTo(2000L);
    assertThat(sonnet.getUsage().getOutputTokens()).isEqualTo(500L);
    assertThat(sonnet.getUsage().getServiceTier()).isEqualTo("batch");
    assertThat(sonnet.getCost().getStatus()).isEqualTo(CostStatus.PRICED);
    assertThat(sonnet.getCost().getRule()).contains("batch");
    assertThat(sonnet.getCost().getTotalUsd()).isEqualByComparingTo(sonnetUsd);

    // Haiku 4.5 (1 input / 5 output per MTok), batch.
    CallRecord haiku = records.get(1);
    BigDecimal haikuUsd =
        usd(4000, "1").multiply(BATCH_DISCOUNT).add(usd(200, "5").multiply(BATCH_DISCOUNT));
    assertThat(haikuUsd).isEqualByComparingTo("0.0025");
    assertThat(haiku.getResponse().getModel()).isEqualTo("claude-haiku-4-5-20251001");
    assertThat(haiku.getCost().getPricedModel()).isEqualTo("Haiku 4.5");
    assertThat(haiku.getCost().getRule()).contains("batch");
    assertThat(haiku.getCost().getTotalUsd()).isEqualByComparingTo(haikuUsd);

    CallRecord errored = records.get(2);
    assertThat(errored.getOutcome()).isEqualTo(Outcome.ERROR_RESPONSE);
    assertThat(errored.getResponse().getErrorType()).isEqualTo("invalid_request_error");
    assertThat(errored.getResponse().getErrorMessage()).isEqualTo("max_tokens: Field required");
    assertThat(errored.getCost().getStatus()).isEqualTo(CostStatus.NOT_BILLABLE);
    assertThat(errored.getCost().getTotalUsd()).isNull();

    CallRecord expired = records.get(3);
    assertThat(expired.getOutcome()).isEqualTo(Outcome.ERROR_RESPONSE);
    assertThat(expired.getResponse().getErrorType()).isEqualTo("expired");
    assertThat(expired.getCost().getStatus()).isEqualTo(CostStatus.NOT_BILLABLE);
    assertThat(expired.getUsage().getSource()).isNull();
    assertThat(storeEntries(CallTopology.FLOW_STATE_STORE)).isZero();
    assertThat(dlq.isEmpty()).isTrue();
  }

  @Test
  void shouldGiveTheSameCallIdsWhenTheSameBatchResultsAreDownloadedTwice() throws IOException {
    pipe(resultsDownload(fourResults()));
    List<UUID> first = callsKeyedByCallId().stream().map(CallRecord::getCallId).toList();

    // the second download (another flow) is gzip-encoded, with a query string and a trailing
    // slash, and its lines come in another order
    List<String> lines = new ArrayList<>(fourResults().lines().toList());
    Collections.reverse(lines);
    String reordered = String.join("\n", lines);
    FlowScript again =
        resultsDownload(
            "/v1/messages/batches/" + BATCH + "/results/?beta=true",
            200,
            headers(
                "content-type", "application/x-jsonl",
                "content-encoding", "gzip",
                "request-id", "req_011again"),
            gzip(reordered));
    pipe(again);
    List<CallRecord> second = callsKeyedByCallId();

    assertThat(first).hasSize(4).doesNotHaveDuplicates();
    assertThat(second).extracting(CallRecord::getCallId).containsExactlyInAnyOrderElementsOf(first);
    assertThat(second)
        .allSatisfy(
            c -> assertThat(c.getIdentity().getUpstreamRequestId()).isEqualTo("req_011again"));
  }

  @Test
  void shouldRecordUnreadableBatchResultLinesOnTheDownloadAndKeepTheOtherLines() {
    FlowScript download =
        resultsDownload(
            endedLine("req-a", "canceled")
                + "\n{\"custom_id\": \"req-b\", \"result\": \n"
                + "{\"result\":{\"type\":\"canceled\"}}\r\n"
                + "\n"
                + endedLine("req-e", "expired")
                + "\n");
    pipe(download);

    List<CallRecord> records = callsKeyedByCallId();
    assertThat(records).hasSize(3);
    assertThat(records.subList(0, 2))
        .extracting(c -> c.getRequest().getBatchCustomId())
        .containsExactly("req-a", "req-e");
    CallRecord other = records.get(2);
    assertThat(other.getCallId()).isEqualTo(download.flowId);
    assertThat(other.getRequest().getOperation()).isEqualTo(Operation.OTHER);
    assertThat(other.getRequest().getBatchId()).isNull();
    assertThat(other.getCost().getStatus()).isEqualTo(CostStatus.NOT_BILLABLE);
    assertThat(other.getResponse().getDecodeError())
        .contains("2 of 4 lines unreadable")
        .contains("line 2: not JSON")
        .contains("line 3: no custom_id");
    assertThat(dlq.isEmpty()).isTrue();
  }

  @Test
  void shouldRecordAFailedEmptyOrUndecodableResultsDownloadAsOneOtherRecord() {
    String path = "/v1/messages/batches/" + BATCH + "/results";
    FlowScript notFound =
        resultsDownload(
            path,
            404,
            headers("content-type", "application/json"),
            "{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\",\"message\":\"no batch\"}}"
                .getBytes(StandardCharsets.UTF_8));
    FlowScript empty =
        resultsDownload(path, 200, headers("content-type", "application/binary"), new byte[0]);
    FlowScript blank =
        resultsDownload(
            path,
            200,
            headers("content-type", "application/binary"),
            "\n\n".getBytes(StandardCharsets.UTF_8));
    FlowScript undecodable =
        resultsDownload(
            path,
            200,
            headers("content-type", "application/binary", "content-encoding", "gzip"),
            fourResults().getBytes(StandardCharsets.UTF_8));

    for (FlowScript flow : List.of(notFound, empty, blank, undecodable)) {
      pipe(flow);
      CallRecord call = onlyCall();
      assertThat(call.getCallId()).isEqualTo(flow.flowId);
      assertThat(call.getRequest().getOperation()).isEqualTo(Operation.OTHER);
      assertThat(call.getRequest().getBatchId()).isNull();
      assertThat(call.getCost().getStatus()).isEqualTo(CostStatus.NOT_BILLABLE);
    }
  }

  @Test
  void shouldKeepBatchCreateAndPollCallsAsOtherWithoutCost() {
    String batchJson =
        "{\"id\":\""
            + BATCH
            + "\",\"type\":\"message_batch\",\"processing_status\":\"in_progress\","
            + "\"request_counts\":{\"processing\":2,\"succeeded\":0,\"errored\":0,\"canceled\":0,\"expired\":0},"
            + "\"results_url\":null}";
    pipe(
        FlowScript.start(T0)
            .request("POST", ANTHROPIC, "/v1/messages/batches", anthropicRequestHeaders())
            .requestBody(
                "{\"requests\":[{\"custom_id\":\"req-a\",\"params\":"
                    + anthropicRequest("claude-sonnet-4-5", false, null)
                    + "}]}")
            .response(200, headers("content-type", "application/json"))
            .responseBody(batchJson)
            .end(Termination.COMPLETE));
    CallRecord create = onlyCall();

    pipe(
        FlowScript.start(T0)
            .request("GET", ANTHROPIC, "/v1/messages/batches/" + BATCH, anthropicRequestHeaders())
            .response(200, headers("content-type", "application/json"))
            .responseBody(batchJson)
            .end(Termination.COMPLETE));
    CallRecord poll = onlyCall();

    for (CallRecord call : List.of(create, poll)) {
      assertThat(call.getRequest().getOperation()).isEqualTo(Operation.OTHER);
      assertThat(call.getRequest().getProvider()).isEqualTo("anthropic");
      assertThat(call.getRequest().getModel()).isNull();
      assertThat(call.getRequest().getBatchId()).isNull();
      assertThat(call.getRequest().getBatchCustomId()).isNull();
      assertThat(call.getCost().getStatus()).isEqualTo(CostStatus.NOT_BILLABLE);
      assertThat(call.getCost().getTotalUsd()).isNull();
      assertThat(call.getUsage().getSource()).isNull();
    }
  }
}
