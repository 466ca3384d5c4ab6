package dev.tapwire.processor.provider;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tapwire.avro.Operation;
import dev.tapwire.processor.sse.SseEvent;
import java.time.Instant;

/**
 * OpenAI Responses API, {@code POST /v1/responses} (platform.openai.com "Streaming responses"):
 * events {@code response.created}, {@code response.output_text.delta} (first token), {@code
 * response.output_item.added} (function calls), {@code response.completed} / {@code
 * response.incomplete} (terminal, carry the response with its usage), {@code response.failed} and
 * {@code error} (stream errors).
 */
final class OpenAiResponsesParser implements ProviderParser {

  @Override
  public String provider() {
    return "openai";
  }

  @Override
  public Operation operation() {
    return Operation.RESPONSES;
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
    facts.maxTokens = Json.number(body, "max_output_tokens");
    facts.thinkingType = Json.text(body.get("reasoning"), "effort");
    JsonNode input = body.get("input");
    facts.messageCount = input == null ? null : input.isArray() ? input.size() : 1;
    facts.toolCount = Json.size(body, "tools");
  }

  @Override
  public void onResponseBody(JsonNode body, int status, CallFacts facts) {
    if (ErrorBodies.read(body, facts)) {
      return;
    }
    readResponse(body, facts, "response_body");
  }

  private static void readResponse(JsonNode response, CallFacts facts, String source) {
    if (response == null || !response.isObject()) {
      return;
    }
    String id = Json.text(response, "id");
    if (id != null) {
      facts.messageId = id;
    }
    String model = Json.text(response, "model");
    if (model != null) {
      facts.servedModel = model;
    }
    String status = Json.text(response, "status");
    String incomplete = Json.text(response.get("incomplete_details"), "reason");
    facts.stopReason = incomplete != null ? incomplete : status;
    facts.usage.serviceTier(Json.text(response, "service_tier"));
    JsonNode output = response.get("output");
    if (output != null && output.isArray() && facts.toolNames.isEmpty()) {
      for (JsonNode item : output) {
        if ("function_call".equals(Json.text(item, "type")) && Json.text(item, "name") != null) {
          facts.toolNames.add(Json.text(item, "name"));
        }
      }
    }
    facts.usage.applyOpenAiResponses(response.get("usage"), source);
  }

  @Override
  public void onSseEvent(SseEvent event, Instant arrival, CallFacts facts) {
    facts.sseEventCount++;
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
      case "response.created", "response.in_progress" -> {
        JsonNode response = data.get("response");
        facts.messageId = Json.text(response, "id");
        facts.servedModel = Json.text(response, "model");
      }
      case "response.output_text.delta",
          "response.refusal.delta",
          "response.function_call_arguments.delta",
          "response.reasoning_summary_text.delta" ->
          facts.firstTokenAt(arrival);
      case "response.completed", "response.incomplete" -> {
        facts.streamCompleted = true;
        readResponse(data.get("response"), facts, "response_completed");
      }
      case "response.failed" -> {
        facts.streamError = true;
        JsonNode error = data.path("response").get("error");
        if (error != null && error.isObject()) {
          facts.errorType = Json.text(error, "code");
          facts.errorMessage = Json.text(error, "message");
        }
      }
      case "error" -> {
        facts.streamError = true;
        facts.errorType = Json.text(data, "code");
        facts.errorMessage = Json.text(data, "message");
      }
      default -> {
        if ("response.output_item.added".equals(type)) {
          JsonNode item = data.get("item");
          if ("function_call".equals(Json.text(item, "type")) && Json.text(item, "name") != null) {
            facts.toolNames.add(Json.text(item, "name"));
          }
        }
      }
    }
  }
}
