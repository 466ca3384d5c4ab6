package dev.tapwire.processor.bench;

/**
 * A realistic Anthropic Messages stream for the benchmarks: message_start, N text deltas, the end.
 */
final class SampleStreams {
  private SampleStreams() {}

  static String anthropic(int deltas) {
    StringBuilder sse = new StringBuilder();
    sse.append(
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_01Bench\",")
        .append(
            "\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5-20250929\",\"content\":[],")
        .append(
            "\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":3,\"cache_creation_input_tokens\":2048,")
        .append(
            "\"cache_read_input_tokens\":48000,\"cache_creation\":{\"ephemeral_5m_input_tokens\":2048,")
        .append(
            "\"ephemeral_1h_input_tokens\":0},\"output_tokens\":1,\"service_tier\":\"standard\"}}}\n\n");
    sse.append("event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,")
        .append("\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n");
    for (int i = 0; i < deltas; i++) {
      if (i % 50 == 0) {
        sse.append("event: ping\ndata: {\"type\": \"ping\"}\n\n");
      }
      sse.append("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,")
          .append("\"delta\":{\"type\":\"text_delta\",\"text\":\"token ")
          .append(i)
          .append(" of the answer, \"}}\n\n");
    }
    sse.append(
        "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n");
    sse.append(
            "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",")
        .append("\"stop_sequence\":null},\"usage\":{\"output_tokens\":")
        .append(deltas * 5)
        .append("}}\n\n");
    sse.append("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
    return sse.toString();
  }
}
