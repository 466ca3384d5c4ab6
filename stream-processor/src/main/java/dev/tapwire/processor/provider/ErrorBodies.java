package dev.tapwire.processor.provider;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Error shapes: Anthropic {@code {"type":"error","error":{"type":…,"message":…}}}
 * (docs.anthropic.com "Errors") and OpenAI {@code {"error":{"message":…,"type":…,"code":…}}}.
 */
final class ErrorBodies {
  private ErrorBodies() {}

  /** Reads an error body into the facts; returns true when {@code body} was an error. */
  static boolean read(JsonNode body, CallFacts facts) {
    JsonNode error = body.get("error");
    if (error == null || !error.isObject()) {
      return false;
    }
    String type = Json.text(error, "type");
    if (type == null) {
      type = Json.text(error, "code");
    }
    facts.errorType = type;
    facts.errorMessage = Json.text(error, "message");
    return true;
  }
}
