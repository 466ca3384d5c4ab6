package dev.tapwire.processor.usage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tapwire.avro.Usage;

/**
 * Merges the usage reports of one call into its final usage.
 *
 * <p>Anthropic Messages (docs.anthropic.com, "Streaming Messages" and "Prompt caching"): the stream
 * starts with {@code message_start.message.usage}; every {@code message_delta.usage} is
 * <em>cumulative</em>, so each field it carries overwrites the value so far (never added). The
 * {@code cache_creation} 5m/1h split, {@code service_tier} and {@code inference_geo} are taken only
 * from {@code message_start} (or the non-streaming body). Cache creation beyond the split is
 * recorded as unattributed (priced later at the configured default TTL). {@code input_tokens}
 * excludes cached tokens, so gen_ai.usage.input_tokens = input + cache creation + cache read.
 *
 * <p>OpenAI: chat completions report {@code prompt_tokens} (which include {@code
 * prompt_tokens_details.cached_tokens}), {@code completion_tokens} and {@code
 * completion_tokens_details.reasoning_tokens}; the Responses API reports {@code input_tokens},
 * {@code input_tokens_details.cached_tokens}, {@code output_tokens} and {@code
 * output_tokens_details.reasoning_tokens}. For OpenAI the cached tokens are a subset of the input,
 * so {@code input_tokens} is stored as reported and gen_ai input = prompt tokens.
 */
public final class UsageAccumulator {
  private Long input;
  private Long output;
  private Long cacheCreation;
  private Long cacheCreation5m;
  private Long cacheCreation1h;
  private Long cacheRead;
  private Long webSearch;
  private Long webFetch;
  private Long thinking;
  private String serviceTier;
  private String inferenceGeo;
  private String source;
  private boolean inputIncludesCache;

  /** True when any usage was seen. */
  public boolean hasUsage() {
    return source != null;
  }

  /** Applies {@code message_start.message.usage}: sets every field present, incl. the split. */
  public void applyMessageStart(JsonNode usage) {
    applyAnthropic(usage, true, "message_start");
  }

  /** Applies a cumulative {@code message_delta.usage}: overwrites the fields present. */
  public void applyMessageDelta(JsonNode usage) {
    applyAnthropic(usage, false, "message_delta");
  }

  /** Applies the usage of a complete non-streaming Message body. */
  public void applyResponseBody(JsonNode usage) {
    applyAnthropic(usage, true, "response_body");
  }

  /** Applies a {@code count_tokens} answer {@code {"input_tokens": N}}. */
  public void applyCountTokens(JsonNode body) {
    Long n = longOrNull(body.get("input_tokens"));
    if (n != null) {
      input = n;
      source = "count_tokens";
    }
  }

  private void applyAnthropic(JsonNode usage, boolean withSplit, String from) {
    if (usage == null || !usage.isObject()) {
      return;
    }
    input = overwrite(input, usage.get("input_tokens"));
    output = overwrite(output, usage.get("output_tokens"));
    cacheCreation = overwrite(cacheCreation, usage.get("cache_creation_input_tokens"));
    cacheRead = overwrite(cacheRead, usage.get("cache_read_input_tokens"));
    JsonNode serverTools = usage.get("server_tool_use");
    if (serverTools != null && serverTools.isObject()) {
      webSearch = overwrite(webSearch, serverTools.get("web_search_requests"));
      webFetch = overwrite(webFetch, serverTools.get("web_fetch_requests"));
    }
    thinking = overwrite(thinking, usage.get("thinking_tokens"));
    if (withSplit) {
      JsonNode split = usage.get("cache_creation");
      if (split != null && split.isObject()) {
        cacheCreation5m = overwrite(cacheCreation5m, split.get("ephemeral_5m_input_tokens"));
        cacheCreation1h = overwrite(cacheCreation1h, split.get("ephemeral_1h_input_tokens"));
      }
      serviceTier = textOr(serviceTier, usage.get("service_tier"));
      inferenceGeo = textOr(inferenceGeo, usage.get("inference_geo"));
    }
    source = from;
  }

  /** Applies an OpenAI chat-completions {@code usage} object (final chunk or body). */
  public void applyOpenAiChat(JsonNode usage, String from) {
    if (usage == null || !usage.isObject()) {
      return;
    }
    inputIncludesCache = true;
    input = overwrite(input, usage.get("prompt_tokens"));
    output = overwrite(output, usage.get("completion_tokens"));
    cacheRead = overwrite(cacheRead, usage.path("prompt_tokens_details").get("cached_tokens"));
    thinking = overwrite(thinking, usage.path("completion_tokens_details").get("reasoning_tokens"));
    source = from;
  }

  /** Applies an OpenAI Responses {@code usage} object ({@code response.completed} or body). */
  public void applyOpenAiResponses(JsonNode usage, String from) {
    if (usage == null || !usage.isObject()) {
      return;
    }
    inputIncludesCache = true;
    input = overwrite(input, usage.get("input_tokens"));
    output = overwrite(output, usage.get("output_tokens"));
    cacheRead = overwrite(cacheRead, usage.path("input_tokens_details").get("cached_tokens"));
    thinking = overwrite(thinking, usage.path("output_tokens_details").get("reasoning_tokens"));
    source = from;
  }

  /** Sets the service tier reported outside the usage object (OpenAI {@code service_tier}). */
  public void serviceTier(String tier) {
    if (tier != null) {
      serviceTier = tier;
    }
  }

  /** Output tokens so far, or null. */
  public Long outputTokens() {
    return output;
  }

  /**
   * The total prompt size: for Anthropic input + cache creation + cache read, for OpenAI the prompt
   * tokens (which already include cached tokens); null when nothing is known.
   */
  public Long totalInputTokens() {
    if (input == null && cacheCreation == null && cacheRead == null) {
      return null;
    }
    if (inputIncludesCache) {
      return input;
    }
    return nz(input) + nz(cacheCreation) + nz(cacheRead);
  }

  /** Cache creation tokens not covered by the 5m/1h split, or null when there is no creation. */
  public Long unattributedCacheCreation() {
    if (cacheCreation == null) {
      return null;
    }
    return Math.max(0, cacheCreation - nz(cacheCreation5m) - nz(cacheCreation1h));
  }

  /** The final usage as a CallRecord group. */
  public Usage toUsage() {
    return Usage.newBuilder()
        .setInputTokens(input)
        .setOutputTokens(output)
        .setCacheCreationInputTokens(cacheCreation)
        .setCacheCreation5mInputTokens(cacheCreation5m)
        .setCacheCreation1hInputTokens(cacheCreation1h)
        .setCacheCreationUnattributedTokens(unattributedCacheCreation())
        .setCacheReadInputTokens(cacheRead)
        .setServerToolWebSearchRequests(webSearch)
        .setServerToolWebFetchRequests(webFetch)
        .setThinkingTokens(thinking)
        .setServiceTier(serviceTier)
        .setInferenceGeo(inferenceGeo)
        .setSource(source)
        .setGenAiUsageInputTokens(totalInputTokens())
        .setGenAiUsageOutputTokens(output)
        .build();
  }

  /** Tokens read from cache, or null. */
  public Long cacheReadTokens() {
    return cacheRead;
  }

  /** Uncached input tokens as priced: for OpenAI prompt tokens minus cached tokens. */
  public Long uncachedInputTokens() {
    if (input == null) {
      return null;
    }
    return inputIncludesCache ? Math.max(0, input - nz(cacheRead)) : input;
  }

  /** Cache creation tokens attributed to the 5-minute TTL, or null. */
  public Long cacheCreation5m() {
    return cacheCreation5m;
  }

  /** Cache creation tokens attributed to the 1-hour TTL, or null. */
  public Long cacheCreation1h() {
    return cacheCreation1h;
  }

  private static long nz(Long value) {
    return value == null ? 0 : value;
  }

  private static Long overwrite(Long current, JsonNode node) {
    Long value = longOrNull(node);
    return value == null ? current : value;
  }

  private static Long longOrNull(JsonNode node) {
    return node != null && node.isNumber() ? node.asLong() : null;
  }

  private static String textOr(String current, JsonNode node) {
    return node != null && node.isTextual() ? node.asText() : current;
  }
}
