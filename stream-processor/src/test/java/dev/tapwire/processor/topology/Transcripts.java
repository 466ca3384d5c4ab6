package dev.tapwire.processor.topology;

/**
 * Anthropic and OpenAI wire transcripts used by the topology tests (shapes from the provider docs).
 */
final class Transcripts {
  private Transcripts() {}

  static String event(String type, String json) {
    return "event: " + type + "\ndata: " + json + "\n\n";
  }

  static String messageStart(String id, String model, String usage) {
    return event(
        "message_start",
        "{\"type\":\"message_start\",\"message\":{\"id\":\""
            + id
            + "\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\""
            + model
            + "\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":"
            + usage
            + "}}");
  }

  static String textBlock(String text) {
    return event(
            "content_block_start",
            "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}")
        + event("ping", "{\"type\": \"ping\"}")
        + event(
            "content_block_delta",
            "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\""
                + text
                + "\"}}")
        + event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}");
  }

  static String messageDelta(String stopReason, String usage) {
    return event(
        "message_delta",
        "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\""
            + stopReason
            + "\",\"stop_sequence\":null},\"usage\":"
            + usage
            + "}");
  }

  static String messageStop() {
    return event("message_stop", "{\"type\":\"message_stop\"}");
  }

  /** A complete stream: 25 input, 1 → 15 output tokens (cumulative delta), 5m/1h split. */
  static String completeStream(String model) {
    return messageStart(
            "msg_01",
            model,
            "{\"input_tokens\":25,\"cache_creation_input_tokens\":1000,\"cache_read_input_tokens\":5000,"
                + "\"cache_creation\":{\"ephemeral_5m_input_tokens\":1000,\"ephemeral_1h_input_tokens\":0},"
                + "\"output_tokens\":1,\"service_tier\":\"standard\"}")
        + textBlock("Hello")
        + messageDelta("end_turn", "{\"output_tokens\":15}")
        + messageStop();
  }

  static String anthropicRequest(String model, boolean stream, String userId) {
    return "{\"model\":\""
        + model
        + "\",\"max_tokens\":1024,\"stream\":"
        + stream
        + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]"
        + (userId == null ? "" : ",\"metadata\":{\"user_id\":" + userId + "}")
        + "}";
  }
}
