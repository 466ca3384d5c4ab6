package dev.tapwire.processor.provider;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tapwire.avro.Operation;
import dev.tapwire.processor.sse.SseEvent;
import java.time.Instant;

/**
 * OpenAI chat completions, {@code POST /v1/chat/completions} (platform.openai.com API reference):
 * streamed chunks carry {@code choices[].delta}; usage arrives only in a final chunk with empty
 * {@code choices} when the request set {@code stream_options.include_usage}; the stream ends with
 * {@code data: [DONE]}. The first non-empty {@code delta.content} (or tool-call delta) marks the
 * first token.
 */
final class OpenAiChatParser implements ProviderParser {

  @Override
  public String provider() {
    return "openai";
  }

  @Override
  public Operation operation() {
    return Operation.CHAT_COMPLETIONS;
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
    Long max = Json.number(body, "max_completion_tokens");
    facts.maxTokens = max != null ? max : Json.number(body, "max_tokens");
    facts.thinkingType = Json.text(body, "reasoning_effort");
    facts.messageCount = Json.size(body, "messages");
    facts.toolCount = Json.size(body, "tools");
  }

  @Override
  public void onResponseBody(JsonNode body, int status, CallFacts facts) {
    if (ErrorBodies.read(body, facts)) {
      return;
    }
    readChunk(body, null, facts, "response_body");
  }

  @Override
  public void onSseEvent(SseEvent event, Instant arrival, CallFacts facts) {
    facts.sseEventCount++;
    if ("[DONE]".equals(event.data().trim())) {
      facts.streamCompleted = true;
      return;
    }
    JsonNode chunk;
    try {
      chunk = Json.MAPPER.readTree(event.data());
    } catch (JsonProcessingException e) {
      facts.responseParseProblem("SSE chunk is not JSON: " + e.getOriginalMessage());
      return;
    }
    if (ErrorBodies.read(chunk, facts)) {
      facts.streamError = true;
      return;
    }
    readChunk(chunk, arrival, facts, "openai_final_chunk");
  }

  private static void readChunk(JsonNode chunk, Instant arrival, CallFacts facts, String source) {
    String id = Json.text(chunk, "id");
    if (id != null) {
      facts.messageId = id;
    }
    String model = Json.text(chunk, "model");
    if (model != null) {
      facts.servedModel = model;
    }
    facts.usage.serviceTier(Json.text(chunk, "service_tier"));
    JsonNode choices = chunk.get("choices");
    if (choices != null && choices.isArray()) {
      for (JsonNode choice : choices) {
        String finish = Json.text(choice, "finish_reason");
        if (finish != null) {
          facts.stopReason = finish;
        }
        JsonNode message = choice.has("delta") ? choice.get("delta") : choice.get("message");
        if (message == null) {
          continue;
        }
        String content = Json.text(message, "content");
        JsonNode toolCalls = message.get("tool_calls");
        boolean hasToolCalls = toolCalls != null && toolCalls.isArray() && !toolCalls.isEmpty();
        if (arrival != null && ((content != null && !content.isEmpty()) || hasToolCalls)) {
          facts.firstTokenAt(arrival);
        }
        if (hasToolCalls) {
          for (JsonNode call : toolCalls) {
            String name = Json.text(call.get("function"), "name");
            if (name != null) {
              facts.toolNames.add(name);
            }
          }
        }
      }
    }
    JsonNode usage = chunk.get("usage");
    if (usage != null && usage.isObject()) {
      facts.usage.applyOpenAiChat(usage, source);
    }
  }
}
