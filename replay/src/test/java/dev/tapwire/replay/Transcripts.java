package dev.tapwire.replay;

/** Anthropic Messages API bodies and SSE transcripts for tests (shapes from the API docs). */
final class Transcripts {
  private Transcripts() {}

  static String event(String type, String json) {
    return "event: " + type + "\ndata: " + json + "\n\n";
  }

  /** A complete stream: one text block in {@code chunks} text deltas, usage 25 in / 15 out. */
  static String stream(String model, String... texts) {
    StringBuilder s = new StringBuilder();
    s.append(
        event(
            "message_start",
            "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_01XYZ\",\"type\":\"message\","
                + "\"role\":\"assistant\",\"model\":\""
                + model
                + "\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":"
                + "{\"input_tokens\":25,\"cache_creation_input_tokens\":1000,"
                + "\"cache_read_input_tokens\":5000,\"cache_creation\":"
                + "{\"ephemeral_5m_input_tokens\":1000,\"ephemeral_1h_input_tokens\":0},"
                + "\"output_tokens\":1,\"service_tier\":\"standard\"}}}"));
    s.append(
        event(
            "content_block_start",
            "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
                + "{\"type\":\"text\",\"text\":\"\"}}"));
    s.append(event("ping", "{\"type\":\"ping\"}"));
    for (String text : texts) {
      s.append(
          event(
              "content_block_delta",
              "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                  + "{\"type\":\"text_delta\",\"text\":\""
                  + text
                  + "\"}}"));
    }
    s.append(event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"));
    s.append(
        event(
            "message_delta",
            "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\","
                + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":15}}"));
    s.append(event("message_stop", "{\"type\":\"message_stop\"}"));
    return s.toString();
  }
}
