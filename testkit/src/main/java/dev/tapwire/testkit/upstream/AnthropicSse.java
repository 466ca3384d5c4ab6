package dev.tapwire.testkit.upstream;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds Anthropic Messages API bodies (non-streaming JSON and SSE events) the way the API sends
 * them (https://docs.anthropic.com/en/docs/build-with-claude/streaming): {@code message_start} with
 * the initial usage including the cache-creation 5m/1h split, content blocks with {@code
 * text_delta} and {@code input_json_delta}, a {@code ping}, {@code message_delta} with cumulative
 * usage, {@code message_stop}.
 */
public final class AnthropicSse {
  /** Model name the fake serves. */
  public static final String MODEL = "claude-sonnet-4-5-20250929";

  /** Input tokens reported (excluding cache). */
  public static final int INPUT_TOKENS = 25;

  /** Cache read tokens reported. */
  public static final int CACHE_READ = 100;

  /** Cache creation tokens, 5-minute TTL part. */
  public static final int CACHE_CREATION_5M = 30;

  /** Cache creation tokens, 1-hour TTL part. */
  public static final int CACHE_CREATION_1H = 10;

  private AnthropicSse() {}

  /** One SSE frame: {@code event: <type>\ndata: <json>\n\n}. */
  public static String frame(String type, String json) {
    return "event: " + type + "\ndata: " + json + "\n\n";
  }

  /**
   * The frames of one streamed message.
   *
   * @param messageId the message id
   * @param textDeltas number of {@code text_delta} events
   * @param withTool whether a {@code tool_use} block with two {@code input_json_delta} follows
   */
  public static List<String> streamFrames(String messageId, int textDeltas, boolean withTool) {
    List<String> frames = new ArrayList<>();
    frames.add(
        frame(
            "message_start",
            "{\"type\":\"message_start\",\"message\":{\"id\":\""
                + messageId
                + "\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\""
                + MODEL
                + "\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":"
                + usage(1)
                + "}}"));
    frames.add(
        frame(
            "content_block_start",
            "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"));
    frames.add(frame("ping", "{\"type\": \"ping\"}"));
    for (int i = 0; i < textDeltas; i++) {
      frames.add(
          frame(
              "content_block_delta",
              "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"word"
                  + i
                  + " \"}}"));
    }
    frames.add(frame("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"));
    if (withTool) {
      frames.add(
          frame(
              "content_block_start",
              "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_01\",\"name\":\"get_weather\",\"input\":{}}}"));
      frames.add(
          frame(
              "content_block_delta",
              "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"city\\\": \"}}"));
      frames.add(
          frame(
              "content_block_delta",
              "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\\\"Paris\\\"}\"}}"));
      frames.add(frame("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":1}"));
    }
    frames.add(
        frame(
            "message_delta",
            "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\""
                + (withTool ? "tool_use" : "end_turn")
                + "\",\"stop_sequence\":null},\"usage\":{\"input_tokens\":"
                + INPUT_TOKENS
                + ",\"cache_creation_input_tokens\":"
                + (CACHE_CREATION_5M + CACHE_CREATION_1H)
                + ",\"cache_read_input_tokens\":"
                + CACHE_READ
                + ",\"output_tokens\":"
                + outputTokens(textDeltas)
                + "}}"));
    frames.add(frame("message_stop", "{\"type\":\"message_stop\"}"));
    return frames;
  }

  /** The mid-stream error event the API sends after HTTP 200 when it is overloaded. */
  public static String errorFrame() {
    return frame(
        "error",
        "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}");
  }

  /** The JSON error body of HTTP 529. */
  public static String overloadedBody() {
    return "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}";
  }

  /** A complete non-streaming Message. */
  public static String message(String messageId, int textDeltas) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < textDeltas; i++) {
      text.append("word").append(i).append(' ');
    }
    return "{\"id\":\""
        + messageId
        + "\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\""
        + MODEL
        + "\",\"content\":[{\"type\":\"text\",\"text\":\""
        + text
        + "\"}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,\"usage\":"
        + usage(outputTokens(textDeltas))
        + "}";
  }

  /** Output tokens reported for a message with this many text deltas. */
  public static int outputTokens(int textDeltas) {
    return textDeltas * 2 + 1;
  }

  private static String usage(int outputTokens) {
    return "{\"input_tokens\":"
        + INPUT_TOKENS
        + ",\"cache_creation_input_tokens\":"
        + (CACHE_CREATION_5M + CACHE_CREATION_1H)
        + ",\"cache_read_input_tokens\":"
        + CACHE_READ
        + ",\"cache_creation\":{\"ephemeral_5m_input_tokens\":"
        + CACHE_CREATION_5M
        + ",\"ephemeral_1h_input_tokens\":"
        + CACHE_CREATION_1H
        + "},\"output_tokens\":"
        + outputTokens
        + ",\"service_tier\":\"standard\"}";
  }
}
