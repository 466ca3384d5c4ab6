package dev.tapwire.processor.usage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tapwire.avro.Usage;
import org.junit.jupiter.api.Test;

class UsageAccumulatorTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final UsageAccumulator usage = new UsageAccumulator();

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text);
  }

  @Test
  void shouldOverwriteWithCumulativeMessageDeltaNeverAdd() throws Exception {
    usage.applyMessageStart(
        json(
            "{\"input_tokens\":12,\"output_tokens\":1,\"cache_creation_input_tokens\":100,"
                + "\"cache_read_input_tokens\":2000,\"cache_creation\":{\"ephemeral_5m_input_tokens\":60,"
                + "\"ephemeral_1h_input_tokens\":40},\"service_tier\":\"standard\",\"inference_geo\":\"us\"}"));
    usage.applyMessageDelta(json("{\"output_tokens\":50}"));
    usage.applyMessageDelta(json("{\"output_tokens\":120}"));

    Usage result = usage.toUsage();
    assertThat(result.getOutputTokens()).isEqualTo(120L);
    assertThat(result.getInputTokens()).isEqualTo(12L);
    assertThat(result.getCacheCreationInputTokens()).isEqualTo(100L);
    assertThat(result.getCacheCreation5mInputTokens()).isEqualTo(60L);
    assertThat(result.getCacheCreation1hInputTokens()).isEqualTo(40L);
    assertThat(result.getCacheCreationUnattributedTokens()).isZero();
    assertThat(result.getCacheReadInputTokens()).isEqualTo(2000L);
    assertThat(result.getServiceTier()).isEqualTo("standard");
    assertThat(result.getInferenceGeo()).isEqualTo("us");
    assertThat(result.getSource()).isEqualTo("message_delta");
    assertThat(result.getGenAiUsageInputTokens()).isEqualTo(12L + 100 + 2000);
    assertThat(result.getGenAiUsageOutputTokens()).isEqualTo(120L);
  }

  @Test
  void shouldTakeSplitTierAndGeoOnlyFromMessageStart() throws Exception {
    usage.applyMessageStart(
        json(
            "{\"input_tokens\":5,\"cache_creation_input_tokens\":10,\"cache_creation\":"
                + "{\"ephemeral_5m_input_tokens\":10,\"ephemeral_1h_input_tokens\":0},\"service_tier\":\"standard\"}"));
    usage.applyMessageDelta(
        json(
            "{\"output_tokens\":3,\"cache_creation_input_tokens\":30,\"cache_creation\":"
                + "{\"ephemeral_5m_input_tokens\":99},\"service_tier\":\"priority\",\"inference_geo\":\"eu\"}"));

    Usage result = usage.toUsage();
    assertThat(result.getCacheCreationInputTokens()).isEqualTo(30L);
    assertThat(result.getCacheCreation5mInputTokens()).isEqualTo(10L);
    assertThat(result.getCacheCreationUnattributedTokens()).isEqualTo(20L);
    assertThat(result.getServiceTier()).isEqualTo("standard");
    assertThat(result.getInferenceGeo()).isNull();
  }

  @Test
  void shouldKeepValuesWhenDeltaFieldsAreNullOrAbsent() throws Exception {
    usage.applyMessageStart(json("{\"input_tokens\":7,\"output_tokens\":1}"));
    usage.applyMessageDelta(json("{\"input_tokens\":null,\"output_tokens\":9}"));
    assertThat(usage.toUsage().getInputTokens()).isEqualTo(7L);
  }

  @Test
  void shouldOverwriteServerToolUse() throws Exception {
    usage.applyMessageStart(
        json("{\"input_tokens\":1,\"server_tool_use\":{\"web_search_requests\":0}}"));
    usage.applyMessageDelta(
        json("{\"server_tool_use\":{\"web_search_requests\":2,\"web_fetch_requests\":1}}"));
    usage.applyMessageDelta(json("{\"server_tool_use\":{\"web_search_requests\":3}}"));
    assertThat(usage.toUsage().getServerToolWebSearchRequests()).isEqualTo(3L);
    assertThat(usage.toUsage().getServerToolWebFetchRequests()).isEqualTo(1L);
  }

  @Test
  void shouldTreatCacheCreationWithoutSplitAsUnattributed() throws Exception {
    usage.applyResponseBody(
        json("{\"input_tokens\":1,\"output_tokens\":2,\"cache_creation_input_tokens\":500}"));
    assertThat(usage.toUsage().getCacheCreationUnattributedTokens()).isEqualTo(500L);
    assertThat(usage.toUsage().getSource()).isEqualTo("response_body");
  }

  @Test
  void shouldReadOpenAiChatUsageWithCachedSubsetAndReasoning() throws Exception {
    usage.applyOpenAiChat(
        json(
            "{\"prompt_tokens\":1000,\"completion_tokens\":300,\"prompt_tokens_details\":{\"cached_tokens\":800},"
                + "\"completion_tokens_details\":{\"reasoning_tokens\":200}}"),
        "openai_final_chunk");
    Usage result = usage.toUsage();
    assertThat(result.getInputTokens()).isEqualTo(1000L);
    assertThat(result.getCacheReadInputTokens()).isEqualTo(800L);
    assertThat(result.getThinkingTokens()).isEqualTo(200L);
    assertThat(result.getGenAiUsageInputTokens()).isEqualTo(1000L);
    assertThat(usage.uncachedInputTokens()).isEqualTo(200L);
    assertThat(result.getSource()).isEqualTo("openai_final_chunk");
  }

  @Test
  void shouldReadOpenAiResponsesUsage() throws Exception {
    usage.applyOpenAiResponses(
        json(
            "{\"input_tokens\":50,\"input_tokens_details\":{\"cached_tokens\":10},\"output_tokens\":20,"
                + "\"output_tokens_details\":{\"reasoning_tokens\":5},\"total_tokens\":70}"),
        "response_completed");
    assertThat(usage.toUsage().getGenAiUsageInputTokens()).isEqualTo(50L);
    assertThat(usage.toUsage().getThinkingTokens()).isEqualTo(5L);
  }

  @Test
  void shouldReportNoUsageWhenNothingApplied() {
    assertThat(usage.hasUsage()).isFalse();
    assertThat(usage.toUsage().getSource()).isNull();
    assertThat(usage.toUsage().getGenAiUsageInputTokens()).isNull();
  }

  @Test
  void shouldReadCountTokens() throws Exception {
    usage.applyCountTokens(json("{\"input_tokens\":2095}"));
    assertThat(usage.toUsage().getInputTokens()).isEqualTo(2095L);
    assertThat(usage.toUsage().getSource()).isEqualTo("count_tokens");
  }
}
