package dev.tapwire.replay;

import static dev.tapwire.replay.FlowBuilder.headers;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tapwire.avro.FlowEvent;
import dev.tapwire.replay.drift.Change;
import dev.tapwire.replay.drift.DriftDetector;
import dev.tapwire.replay.observe.JsonSchemaWriter;
import dev.tapwire.replay.observe.Observation;
import dev.tapwire.replay.observe.ObservationKey;
import dev.tapwire.replay.observe.SchemaObserver;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Observation of SSE streams and non-JSON bodies, and drift of SSE event types. */
class ObserveSseTest {
  private static final Instant T = Instant.parse("2026-11-15T10:00:00Z");

  private static List<FlowEvent> stream(String userAgent, String transcript) {
    return FlowBuilder.start(T)
        .request("POST", "api.anthropic.com", "/v1/messages", headers("User-Agent", userAgent))
        .requestBody("{\"stream\":true}")
        .response(200, headers("Content-Type", "text/event-stream"))
        .sse(transcript, Duration.ofMillis(5), 2)
        .end()
        .events();
  }

  private static Observation observe(List<FlowEvent> flow) {
    Observation o = new Observation();
    new SchemaObserver(o).observe(flow);
    return o;
  }

  @Test
  void shouldKeySseEventsByTypeAndCountDataThatIsNotJson() {
    Observation o =
        observe(
            stream(
                "claude-cli/2.0.1 (external, cli)",
                Transcripts.event("ping", "{\"type\":\"ping\"}")
                    + "data: [DONE]\n\n"
                    + Transcripts.event(
                        "error", "{\"type\":\"error\",\"error\":{\"type\":\"x\"}}")));

    assertThat(o.schemas().keySet())
        .containsExactlyInAnyOrder(
            new ObservationKey("messages", "request", "claude-cli", "2.0.1"),
            new ObservationKey("messages", "sse:ping", "claude-cli", "2.0.1"),
            new ObservationKey("messages", "sse:error", "claude-cli", "2.0.1"));
    assertThat(o.counters())
        .containsEntry("sse_events", 2L)
        .containsEntry("sse_events_not_json", 1L);
    assertThat(
            o.schema(new ObservationKey("messages", "sse:error", "claude-cli", "2.0.1"))
                .fields()
                .keySet())
        .containsExactly("$", "error", "error.type", "type");
  }

  @Test
  void shouldReportNewAndVanishedSseEventTypesWithoutListingTheirFields() {
    Observation before =
        observe(
            stream(
                "claude-cli/2.0.1 (external, cli)",
                Transcripts.event("ping", "{\"type\":\"ping\"}")
                    + Transcripts.event("message_stop", "{\"type\":\"message_stop\"}")));
    Observation after =
        observe(
            stream(
                "claude-cli/2.1.0 (external, cli)",
                Transcripts.event("message_stop", "{\"type\":\"message_stop\"}")
                    + Transcripts.event(
                        "error",
                        "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\"}}")));

    List<Change> changes = DriftDetector.compare(before, after);

    assertThat(changes)
        .extracting(c -> c.kind() + " " + c.group().direction() + " " + c.path())
        .containsExactly("SSE_EVENT_ADDED sse:error error", "SSE_EVENT_REMOVED sse:ping ping");
  }

  @Test
  void shouldMarkMembersRequiredOnlyWhenEveryOccurrenceOfTheirObjectHasThem() {
    Observation o = new Observation();
    new SchemaObserver(o)
        .observe(
            FlowBuilder.start(T)
                .request("POST", "example.com", "/x", headers())
                .requestBody("[{\"a\":1,\"b\":2},{\"a\":3},{\"a\":4,\"b\":null}]")
                .end()
                .events());
    ObservationKey key = new ObservationKey("other", "request", null, null);

    JsonNode schema = JsonSchemaWriter.toJsonSchema(key, o.schema(key));

    assertThat(schema.path("type").asText()).isEqualTo("array");
    assertThat(schema.at("/items/required").toString()).isEqualTo("[\"a\"]");
    assertThat(schema.at("/items/properties/b/type").toString())
        .isEqualTo("[\"integer\",\"null\"]");
    assertThat(schema.at("/items/properties/b/x-tapwire-presence").asDouble()).isEqualTo(1.0);
  }
}
