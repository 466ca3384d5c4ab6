package dev.tapwire.processor.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tapwire.avro.Operation;
import dev.tapwire.processor.sse.SseEvent;
import java.time.Instant;

/**
 * Reads one provider's API bodies into {@link CallFacts}. Implementations are stateless (all state
 * lives in the facts) and are chosen by {@link ProviderParsers#select(String, String)}. Malformed
 * input never throws: problems are recorded in the facts.
 */
public interface ProviderParser {

  /** gen_ai.provider.name: {@code anthropic}, {@code openai} or {@code other}. */
  String provider();

  /** The API operation this parser handles. */
  Operation operation();

  /** True when usage from this operation is billable (priced). */
  default boolean billable() {
    return false;
  }

  /** Reads the decoded request body, already parsed as JSON. */
  default void onRequestBody(JsonNode body, CallFacts facts) {}

  /** Reads a decoded, non-streamed response body, already parsed as JSON. */
  default void onResponseBody(JsonNode body, int status, CallFacts facts) {
    ErrorBodies.read(body, facts);
  }

  /** Reads one SSE event of a streamed response, which arrived at {@code arrival}. */
  default void onSseEvent(SseEvent event, Instant arrival, CallFacts facts) {}

  /** True when a stream of this operation must end with a terminal event to be complete. */
  default boolean requiresTerminalEvent() {
    return false;
  }
}
