package dev.tapwire.processor.provider;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tapwire.avro.Operation;
import dev.tapwire.processor.sse.SseEvent;
import java.time.Instant;

/**
 * Anthropic Messages API, {@code POST /v1/messages} (docs.anthropic.com "Messages" and "Streaming
 * Messages"): request model, stream, max_tokens, thinking, message and tool counts,
 * metadata.user_id; a non-streaming Message body; or the event stream {@code message_start}, {@code
 * content_block_start/delta/stop}, {@code message_delta}, {@code message_stop}, {@code ping},
 * {@code error} — unknown events are counted and otherwise ignored. Usage is merged by {@link
 * dev.tapwire.processor.usage.UsageAccumulator}. The first {@code content_block_delta} of any delta
 * type marks the first token.
 */
final class AnthropicMessagesParser implements ProviderParser {

  @Override
  public String provider() {
    return "anthropic";
  }

  @Override
  public Operation operation() {
    return Operation.MESSAGES;
  }

  @Override
  public boolean billable() {
    return true;
  }

  @Override
  public boolean requiresTerminalEvent() {
    return true;
  }

  @Override
  public void onRequestBody(JsonNode body, CallFacts facts) {
    facts.requestModel = Json.text(body, "model");
    facts.stream = Json.bool(body, "stream");
    facts.maxTokens = Json.number(body, "max_tokens");
    JsonNode thinking = body.get("thinking");
    if (thinking != null && thinking.isObject()) {
      facts.thinkingType = Json.text(thinking, "type");
      facts.thinkingBudgetTokens = Json.number(thinking, "budget_tokens");
    }
    facts.messageCount = Json.size(body, "messages");
    facts.toolCount = Json.size(body, "tools");
    facts.metadataUserId = Json.text(body.get("metadata"), "user_id");
  }

  @Override
  public void onResponseBody(JsonNode body, int status, CallFacts facts) {
    if (ErrorBodies.read(body, facts)) {
      return;
    }
    readMessage(body, facts);
    facts.stopReason = Json.text(body, "stop_reason");
    JsonNode content = body.get("content");
    if (content != null && content.isArray()) {
      content.forEach(block -> toolName(block, facts));
    }
    facts.usage.applyResponseBody(body.get("usage"));
  }

  private static void readMessage(JsonNode message, CallFacts facts) {
    String id = Json.text(message, "id");
    if (id != null) {
      facts.messageId = id;
    }
    String model = Json.text(message, "model");
    if (model != null) {
      facts.servedModel = model;
    }
  }

  private static void toolName(JsonNode block, CallFacts facts) {
    String type = Json.text(block, "type");
    if (("tool_use".equals(type) || "server_tool_use".equals(type))
        && Json.text(block, "name") != null) {
      facts.toolNames.add(Json.text(block, "name"));
    }
  }

  @Override
  public void onSseEvent(SseEvent event, Instant arrival, CallFacts facts) {
    facts.sseEventCount++;
    String name = event.type();
    // Fast path: the event name equals data.type in Anthropic streams, and most events are deltas.
    // A delta after the first token, a ping or a block stop carries nothing the call record keeps,
    // so its JSON is not parsed.
    if ("ping".equals(name)
        || "content_block_stop".equals(name)
        || ("content_block_delta".equals(name) && facts.firstToken != null)) {
      return;
    }
    JsonNode data;
    try {
      data = Json.MAPPER.readTree(event.data());
    } catch (JsonProcessingException e) {
      facts.responseParseProblem(
          "SSE event " + event.type() + " is not JSON: " + e.getOriginalMessage());
      return;
    }
    String type = Json.text(data, "type");
    if (type == null) {
      type = event.type();
    }
    switch (type) {
      case "message_start" -> {
        JsonNode message = data.get("message");
        readMessage(message, facts);
        facts.usage.applyMessageStart(message == null ? null : message.get("usage"));
      }
      case "content_block_start" -> toolName(data.get("content_block"), facts);
      case "content_block_delta" -> facts.firstTokenAt(arrival);
      case "message_delta" -> {
        String stop = Json.text(data.get("delta"), "stop_reason");
        if (stop != null) {
          facts.stopReason = stop;
        }
        facts.usage.applyMessageDelta(data.get("usage"));
      }
      case "message_stop" -> facts.streamCompleted = true;
      case "error" -> {
        facts.streamError = true;
        ErrorBodies.read(data, facts);
      }
      default -> {
        // content_block_stop and unknown event types: tolerated
      }
    }
  }
}
