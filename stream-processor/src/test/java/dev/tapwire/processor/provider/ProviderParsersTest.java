package dev.tapwire.processor.provider;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tapwire.avro.Operation;
import dev.tapwire.processor.sse.SseEvent;
import dev.tapwire.processor.sse.SseParser;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ProviderParsersTest {
  private static final Instant T0 = Instant.parse("2026-11-15T10:00:00Z");

  private static JsonNode json(String text) throws Exception {
    return Json.MAPPER.readTree(text);
  }

  private static void stream(ProviderParser parser, CallFacts facts, String sse) {
    int[] i = {0};
    SseParser.parseAll(sse).forEach(e -> parser.onSseEvent(e, T0.plusMillis(i[0]++), facts));
  }

  @Test
  void shouldSelectByHostAndPath() {
    assertThat(ProviderParsers.select("api.anthropic.com", "/v1/messages?beta=true").operation())
        .isEqualTo(Operation.MESSAGES);
    assertThat(
            ProviderParsers.select("API.Anthropic.com", "/v1/messages/count_tokens?beta=true")
                .operation())
        .isEqualTo(Operation.COUNT_TOKENS);
    assertThat(ProviderParsers.select("api.anthropic.com", "/api/event_logging/batch").operation())
        .isEqualTo(Operation.TELEMETRY);
    assertThat(ProviderParsers.select("api.anthropic.com", "/api/claude_code/metrics").operation())
        .isEqualTo(Operation.TELEMETRY);
    ProviderParser settings =
        ProviderParsers.select("api.anthropic.com", "/api/claude_code/settings");
    assertThat(settings.operation()).isEqualTo(Operation.OTHER);
    assertThat(settings.provider()).isEqualTo("anthropic");
    assertThat(ProviderParsers.select("api.openai.com", "/v1/chat/completions").operation())
        .isEqualTo(Operation.CHAT_COMPLETIONS);
    assertThat(ProviderParsers.select("api.openai.com", "/v1/responses").operation())
        .isEqualTo(Operation.RESPONSES);
    ProviderParser other = ProviderParsers.select("example.com", "/v1/messages");
    assertThat(other.operation()).isEqualTo(Operation.OTHER);
    assertThat(other.provider()).isEqualTo("other");
    assertThat(ProviderParsers.isBatch("/v1/messages/batches/msgbatch_1/results")).isTrue();
  }

  @Test
  void shouldReadAnthropicRequest() throws Exception {
    CallFacts facts = new CallFacts();
    ProviderParsers.select("api.anthropic.com", "/v1/messages")
        .onRequestBody(
            json(
                "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":32000,\"stream\":true,"
                    + "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":31999},\"messages\":[{},{},{}],"
                    + "\"tools\":[{},{}],\"metadata\":{\"user_id\":\"u\"}}"),
            facts);
    assertThat(facts.requestModel).isEqualTo("claude-sonnet-4-5");
    assertThat(facts.stream).isTrue();
    assertThat(facts.maxTokens).isEqualTo(32000L);
    assertThat(facts.thinkingType).isEqualTo("enabled");
    assertThat(facts.thinkingBudgetTokens).isEqualTo(31999L);
    assertThat(facts.messageCount).isEqualTo(3);
    assertThat(facts.toolCount).isEqualTo(2);
    assertThat(facts.metadataUserId).isEqualTo("u");
  }

  @Test
  void shouldReadAnthropicStreamWithToolUseAndCumulativeUsage() {
    CallFacts facts = new CallFacts();
    stream(
        ProviderParsers.select("api.anthropic.com", "/v1/messages"),
        facts,
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"model\":\"claude-sonnet-4-5-20250929\","
            + "\"usage\":{\"input_tokens\":10,\"output_tokens\":1}}}\n\n"
            + "event: ping\ndata: {\"type\": \"ping\"}\n\n"
            + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"tool_use\",\"id\":\"t\",\"name\":\"Bash\",\"input\":{}}}\n\n"
            + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{}\"}}\n\n"
            + "event: something_new\ndata: {\"type\":\"something_new\"}\n\n"
            + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\"},\"usage\":{\"output_tokens\":40}}\n\n"
            + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
    assertThat(facts.messageId).isEqualTo("msg_1");
    assertThat(facts.servedModel).isEqualTo("claude-sonnet-4-5-20250929");
    assertThat(facts.toolNames).containsExactly("Bash");
    assertThat(facts.firstToken).isEqualTo(T0.plusMillis(3));
    assertThat(facts.stopReason).isEqualTo("tool_use");
    assertThat(facts.usage.toUsage().getOutputTokens()).isEqualTo(40L);
    assertThat(facts.streamCompleted).isTrue();
    assertThat(facts.streamError).isFalse();
    assertThat(facts.sseEventCount).isEqualTo(7);
  }

  @Test
  void shouldRecordMidStreamErrorEvent() {
    CallFacts facts = new CallFacts();
    stream(
        ProviderParsers.select("api.anthropic.com", "/v1/messages"),
        facts,
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_2\",\"usage\":{\"input_tokens\":3}}}\n\n"
            + "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n");
    assertThat(facts.streamError).isTrue();
    assertThat(facts.streamCompleted).isFalse();
    assertThat(facts.errorType).isEqualTo("overloaded_error");
    assertThat(facts.errorMessage).isEqualTo("Overloaded");
  }

  @Test
  void shouldReadAnthropicErrorBodyAndNonStreamingMessage() throws Exception {
    ProviderParser parser = ProviderParsers.select("api.anthropic.com", "/v1/messages");
    CallFacts error = new CallFacts();
    parser.onResponseBody(
        json(
            "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"),
        529,
        error);
    assertThat(error.errorType).isEqualTo("overloaded_error");

    CallFacts ok = new CallFacts();
    parser.onResponseBody(
        json(
            "{\"id\":\"msg_3\",\"type\":\"message\",\"model\":\"claude-haiku-4-5\",\"stop_reason\":\"end_turn\","
                + "\"content\":[{\"type\":\"text\",\"text\":\"hi\"},{\"type\":\"tool_use\",\"name\":\"Read\"}],"
                + "\"usage\":{\"input_tokens\":4,\"output_tokens\":2}}"),
        200,
        ok);
    assertThat(ok.messageId).isEqualTo("msg_3");
    assertThat(ok.stopReason).isEqualTo("end_turn");
    assertThat(ok.toolNames).containsExactly("Read");
    assertThat(ok.usage.toUsage().getSource()).isEqualTo("response_body");
  }

  @Test
  void shouldReadCountTokensAnswer() throws Exception {
    CallFacts facts = new CallFacts();
    ProviderParsers.select("api.anthropic.com", "/v1/messages/count_tokens")
        .onResponseBody(json("{\"input_tokens\":2095}"), 200, facts);
    assertThat(facts.usage.toUsage().getInputTokens()).isEqualTo(2095L);
  }

  @Test
  void shouldReadOpenAiChatStreamWithFinalUsageChunk() {
    CallFacts facts = new CallFacts();
    stream(
        ProviderParsers.select("api.openai.com", "/v1/chat/completions"),
        facts,
        "data: {\"id\":\"chatcmpl-1\",\"model\":\"gpt-4o-2024-08-06\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}],\"usage\":null}\n\n"
            + "data: {\"id\":\"chatcmpl-1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}],\"usage\":null}\n\n"
            + "data: {\"id\":\"chatcmpl-1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":null}\n\n"
            + "data: {\"id\":\"chatcmpl-1\",\"choices\":[],\"usage\":{\"prompt_tokens\":20,\"completion_tokens\":5,"
            + "\"prompt_tokens_details\":{\"cached_tokens\":8},\"completion_tokens_details\":{\"reasoning_tokens\":0}}}\n\n"
            + "data: [DONE]\n\n");
    assertThat(facts.firstToken).isEqualTo(T0.plusMillis(1));
    assertThat(facts.stopReason).isEqualTo("stop");
    assertThat(facts.servedModel).isEqualTo("gpt-4o-2024-08-06");
    assertThat(facts.usage.toUsage().getInputTokens()).isEqualTo(20L);
    assertThat(facts.usage.toUsage().getCacheReadInputTokens()).isEqualTo(8L);
    assertThat(facts.usage.toUsage().getSource()).isEqualTo("openai_final_chunk");
    assertThat(facts.streamCompleted).isTrue();
  }

  @Test
  void shouldReadOpenAiResponsesCompletedEvent() {
    CallFacts facts = new CallFacts();
    stream(
        ProviderParsers.select("api.openai.com", "/v1/responses"),
        facts,
        "event: response.created\ndata: {\"type\":\"response.created\",\"response\":{\"id\":\"resp_1\",\"model\":\"gpt-5\"}}\n\n"
            + "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"delta\":\"Hi\"}\n\n"
            + "event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"id\":\"resp_1\",\"model\":\"gpt-5\","
            + "\"status\":\"completed\",\"usage\":{\"input_tokens\":11,\"output_tokens\":7,\"input_tokens_details\":{\"cached_tokens\":0},"
            + "\"output_tokens_details\":{\"reasoning_tokens\":3}}}}\n\n");
    assertThat(facts.messageId).isEqualTo("resp_1");
    assertThat(facts.firstToken).isEqualTo(T0.plusMillis(1));
    assertThat(facts.usage.toUsage().getThinkingTokens()).isEqualTo(3L);
    assertThat(facts.usage.toUsage().getSource()).isEqualTo("response_completed");
    assertThat(facts.streamCompleted).isTrue();
  }

  @Test
  void shouldRecordBadJsonInAnEventWithoutThrowing() {
    CallFacts facts = new CallFacts();
    ProviderParsers.select("api.anthropic.com", "/v1/messages")
        .onSseEvent(new SseEvent("message_start", "{not json", ""), T0, facts);
    assertThat(facts.responseParseError).startsWith("SSE event message_start is not JSON");
  }
}
