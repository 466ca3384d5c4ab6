package dev.tapwire.processor.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tapwire.avro.Operation;

/**
 * Anthropic {@code POST /v1/messages/count_tokens}: the request names a model, messages and tools;
 * the answer is {@code {"input_tokens": N}} (not billed).
 */
final class AnthropicCountTokensParser implements ProviderParser {

  @Override
  public String provider() {
    return "anthropic";
  }

  @Override
  public Operation operation() {
    return Operation.COUNT_TOKENS;
  }

  @Override
  public void onRequestBody(JsonNode body, CallFacts facts) {
    facts.requestModel = Json.text(body, "model");
    facts.messageCount = Json.size(body, "messages");
    facts.toolCount = Json.size(body, "tools");
  }

  @Override
  public void onResponseBody(JsonNode body, int status, CallFacts facts) {
    if (!ErrorBodies.read(body, facts)) {
      facts.usage.applyCountTokens(body);
    }
  }
}
