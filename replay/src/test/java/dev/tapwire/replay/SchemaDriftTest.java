package dev.tapwire.replay;

import static dev.tapwire.replay.FlowBuilder.headers;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tapwire.avro.FlowEvent;
import dev.tapwire.replay.drift.DriftWriter;
import dev.tapwire.replay.observe.ObservationJson;
import dev.tapwire.replay.observe.SchemasCommand;
import dev.tapwire.testkit.KafkaEnvironment;
import dev.tapwire.testkit.KafkaExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Recorded traffic of two Claude Code versions: 2.1.x adds a request field ({@code
 * context_management}), sends {@code metadata.user_id} as JSON text instead of the underscore form,
 * and its streams carry a new delta type ({@code citations_delta}). Observed through {@code tapwire
 * schemas observe} on a real broker, the drift report names exactly those three changes, and no
 * value of the input reaches any output file.
 */
@ExtendWith(KafkaExtension.class)
class SchemaDriftTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SYSTEM_PROMPT = "You are Claude Code, keep the secret plan Zebra-42";
  private static final String TOOL_DESCRIPTION = "Executes a given shell command quietly";

  private final Instant t0 = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(1));
  private final Random random = new Random(7);

  /** Every JSON document put on the wire, to search the output for their values. */
  private final List<String> documents = new ArrayList<>();

  private final Set<String> deltaTypes = new HashSet<>();

  @TempDir Path dir;

  private String hex(int bytes) {
    byte[] b = new byte[bytes];
    random.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  private String userId(boolean json) {
    if (json) {
      return "{\"device_id\":\""
          + hex(32)
          + "\",\"account_uuid\":\""
          + UUID.randomUUID()
          + "\",\"session_id\":\""
          + UUID.randomUUID()
          + "\"}";
    }
    return "user_" + hex(32) + "_account_" + UUID.randomUUID() + "_session_" + UUID.randomUUID();
  }

  private String messagesRequest(boolean newer, String prompt) throws IOException {
    Map<String, Object> body = new java.util.LinkedHashMap<>();
    body.put("model", "claude-sonnet-4-5-20250929");
    body.put("max_tokens", 32000);
    body.put("stream", true);
    body.put(
        "system",
        List.of(
            Map.of(
                "type",
                "text",
                "text",
                SYSTEM_PROMPT,
                "cache_control",
                Map.of("type", "ephemeral"))));
    body.put(
        "messages",
        List.of(
            Map.of("role", "user", "content", List.of(Map.of("type", "text", "text", prompt)))));
    body.put(
        "tools",
        List.of(
            Map.of(
                "name",
                "Bash",
                "description",
                TOOL_DESCRIPTION,
                "input_schema",
                Map.of(
                    "type",
                    "object",
                    "properties",
                    Map.of("command", Map.of("type", "string")),
                    "required",
                    List.of("command")))));
    body.put("metadata", Map.of("user_id", userId(newer)));
    body.put("temperature", 1);
    if (newer) {
      body.put(
          "context_management",
          Map.of("edits", List.of(Map.of("type", "clear_thinking_20251015", "keep", "all"))));
    }
    return record(JSON.writeValueAsString(body));
  }

  private String record(String json) {
    documents.add(json);
    return json;
  }

  private String delta(String type, String field, Object value) throws IOException {
    deltaTypes.add(type);
    return record(
        JSON.writeValueAsString(
            Map.of(
                "type",
                "content_block_delta",
                "index",
                0,
                "delta",
                Map.of("type", type, field, value))));
  }

  private String sse(boolean newer, String answer) throws IOException {
    StringBuilder s = new StringBuilder();
    s.append(
        Transcripts.event(
            "message_start",
            record(
                "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_01"
                    + hex(10)
                    + "\",\"type\":\"message\",\"role\":\"assistant\",\"model\":"
                    + "\"claude-sonnet-4-5-20250929\",\"content\":[],\"stop_reason\":null,"
                    + "\"usage\":{\"input_tokens\":25,\"cache_read_input_tokens\":5000,"
                    + "\"output_tokens\":1,\"service_tier\":\"standard\"}}}")));
    s.append(
        Transcripts.event(
            "content_block_start",
            record(
                "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
                    + "{\"type\":\"text\",\"text\":\"\"}}")));
    s.append(Transcripts.event("ping", record("{\"type\":\"ping\"}")));
    s.append(Transcripts.event("content_block_delta", delta("text_delta", "text", answer)));
    if (newer) {
      s.append(
          Transcripts.event(
              "content_block_delta",
              delta(
                  "citations_delta",
                  "citation",
                  Map.of(
                      "type", "web_search_result_location",
                      "url", "https://example.org/private-doc-" + hex(4),
                      "title", "Quarterly numbers of Umbrella Corp",
                      "cited_text", "revenue was 12 million"))));
    }
    s.append(Transcripts.event("content_block_delta", delta("text_delta", "text", " Done.")));
    s.append(
        Transcripts.event(
            "content_block_stop", record("{\"type\":\"content_block_stop\",\"index\":0}")));
    s.append(
        Transcripts.event(
            "message_delta",
            record(
                "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},"
                    + "\"usage\":{\"output_tokens\":15}}")));
    s.append(Transcripts.event("message_stop", record("{\"type\":\"message_stop\"}")));
    return s.toString();
  }

  private List<FlowEvent> messagesFlow(Instant start, String version, boolean newer, String prompt)
      throws IOException {
    return FlowBuilder.start(start)
        .request(
            "POST",
            "api.anthropic.com",
            "/v1/messages?beta=true",
            headers("User-Agent", "claude-cli/" + version + " (external, cli)"))
        .requestBody(messagesRequest(newer, prompt))
        .after(Duration.ofMillis(200))
        .response(200, headers("Content-Type", "text/event-stream; charset=utf-8"))
        .sse(sse(newer, "Answer about " + prompt), Duration.ofMillis(10), 2)
        .end()
        .events();
  }

  private List<FlowEvent> countTokensFlow(Instant start, String version) throws IOException {
    return FlowBuilder.start(start)
        .request(
            "POST",
            "api.anthropic.com",
            "/v1/messages/count_tokens",
            headers("User-Agent", "claude-cli/" + version + " (external, cli)"))
        .requestBody(
            record(
                "{\"model\":\"claude-haiku-4-5\",\"messages\":[{\"role\":\"user\",\"content\":"
                    + "\"count the words in my diary entry\"}]}"))
        .response(200, headers("Content-Type", "application/json"))
        .responseBody(record("{\"input_tokens\":4021}"))
        .end()
        .events();
  }

  /** A telemetry batch with a gzip-encoded request body (decoded before observation). */
  private List<FlowEvent> telemetryFlow(Instant start, String version) throws IOException {
    String batch =
        record(
            "{\"events\":[{\"event_type\":\"ClaudeCodeInternalEvent\",\"event_data\":"
                + "{\"session_id\":\""
                + UUID.randomUUID()
                + "\",\"client_timestamp\":\"2026-11-21T10:00:00.123Z\","
                + "\"env\":{\"platform\":\"linux-secret-host\"},"
                + "\"file_stats\":{\"/home/alice/diary-2026.txt\":{\"lines\":3}}}}]}");
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(batch.getBytes(StandardCharsets.UTF_8));
    }
    FlowBuilder flow =
        FlowBuilder.start(start)
            .request(
                "POST",
                "api.anthropic.com",
                "/api/event_logging/batch",
                headers(
                    "User-Agent",
                    "claude-cli/" + version + " (external, cli)",
                    "Content-Encoding",
                    "gzip"));
    return flow.requestBodyBytes(gz.toByteArray())
        .response(200, headers("Content-Type", "application/json"))
        .responseBody(record("{\"accepted_count\":1,\"rejected_count\":0}"))
        .end()
        .events();
  }

  private List<List<FlowEvent>> traffic(boolean newer, Instant start) throws IOException {
    String[] versions = newer ? new String[] {"2.1.3", "2.1.5"} : new String[] {"2.0.14", "2.0.20"};
    String[] prompts = {
      "Refactor the payment module of Initech",
      "Why does my build fail on the Kafka broker",
      "Summarise the incident report for Globex"
    };
    List<List<FlowEvent>> flows = new ArrayList<>();
    for (int i = 0; i < prompts.length; i++) {
      String version = versions[i % versions.length];
      Instant at = start.plusSeconds(10L * i);
      flows.add(messagesFlow(at, version, newer, prompts[i] + (newer ? " again" : "")));
      flows.add(countTokensFlow(at.plusSeconds(1), version));
      flows.add(telemetryFlow(at.plusSeconds(2), version));
    }
    return flows;
  }

  private static Set<String> ids(List<List<FlowEvent>> flows) {
    Set<String> ids = new HashSet<>();
    flows.forEach(f -> ids.add(f.get(0).getFlowId().toString()));
    return ids;
  }

  private int observe(KafkaEnvironment env, String topic, Path out, Path baseline) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "observe",
                "--input",
                topic,
                "--out",
                out.toString(),
                "--bootstrap-servers",
                env.bootstrapServers(),
                "--schema-registry-url",
                env.schemaRegistryUrl()));
    if (baseline != null) {
      args.add("--baseline");
      args.add(baseline.toString());
    }
    CommandLine cli = new CommandLine(new SchemasCommand());
    cli.setOut(new PrintWriter(new StringWriter()));
    return cli.execute(args.toArray(String[]::new));
  }

  @Test
  void shouldReportExactlyTheAddedFieldTheUserIdFormatAndTheNewDeltaTypeWithoutLeakingValues(
      KafkaEnvironment env) throws Exception {
    List<List<FlowEvent>> older = traffic(false, t0);
    List<List<FlowEvent>> newer = traffic(true, t0.plusSeconds(600));
    String oldTopic = env.uniqueName("raw-old");
    String newTopic = env.uniqueName("raw-new");
    env.createTopic(oldTopic, 2);
    env.createTopic(newTopic, 2);
    RawTopic.produce(env, oldTopic, older);
    RawTopic.produce(env, newTopic, newer);
    Path baseline = dir.resolve("baseline");
    Path current = dir.resolve("current");

    assertThat(observe(env, oldTopic, baseline, null)).isZero();
    assertThat(observe(env, newTopic, current, baseline)).isZero();

    assertThat(baseline.resolve(DriftWriter.JSON_FILE)).doesNotExist();
    JsonNode drift = JSON.readTree(current.resolve(DriftWriter.JSON_FILE).toFile());
    List<String> summary = new ArrayList<>();
    for (JsonNode change : drift.path("changes")) {
      summary.add(
          change.path("kind").asText()
              + " "
              + change.path("operation").asText()
              + " "
              + change.path("direction").asText()
              + " "
              + change.path("client_name").asText()
              + " "
              + change.path("path").asText());
      assertThat(change.path("example_flow_ids")).isNotEmpty();
      change.path("example_flow_ids").forEach(id -> assertThat(ids(newer)).contains(id.asText()));
    }
    assertThat(summary)
        .containsExactlyInAnyOrder(
            "DELTA_TYPE_ADDED messages sse:content_block_delta claude-cli citations_delta",
            "FIELD_ADDED messages request claude-cli context_management",
            "FORMAT_CHANGED messages request claude-cli metadata.user_id");
    JsonNode changes = drift.path("changes");
    for (JsonNode change : changes) {
      switch (change.path("kind").asText()) {
        case "FORMAT_CHANGED" -> {
          assertThat(change.path("before").toString()).isEqualTo("[\"claude-user-id\"]");
          assertThat(change.path("after").toString()).isEqualTo("[\"json-text\"]");
        }
        case "FIELD_ADDED" ->
            assertThat(change.path("after").toString())
                .contains("context_management.edits[].type", "context_management.edits[].keep");
        case "DELTA_TYPE_ADDED" ->
            assertThat(change.path("after").toString())
                .contains("delta.citation", "delta.citation.url", "delta.citation.cited_text");
        default -> throw new AssertionError("unexpected change " + change);
      }
    }
    String markdown = Files.readString(current.resolve(DriftWriter.MARKDOWN_FILE));
    assertThat(markdown)
        .contains("citations_delta", "`context_management`", "`metadata.user_id`")
        .contains("claude-user-id → json-text");

    JsonNode requestSchema =
        JSON.readTree(
            current.resolve("schemas/messages__request__claude-cli__2.1.3.schema.json").toFile());
    assertThat(requestSchema.path("$schema").asText())
        .isEqualTo("https://json-schema.org/draft/2020-12/schema");
    assertThat(requestSchema.path("required").toString()).contains("\"model\"", "\"messages\"");
    JsonNode userId = requestSchema.at("/properties/metadata/properties/user_id");
    assertThat(userId.path("type").asText()).isEqualTo("string");
    assertThat(userId.path("x-tapwire-formats").has("json-text")).isTrue();
    assertThat(requestSchema.at("/properties/messages/items/properties/content/type").asText())
        .isEqualTo("array");
    JsonNode telemetry =
        JSON.readTree(
            current.resolve("schemas/telemetry__request__claude-cli__2.1.3.schema.json").toFile());
    assertThat(
            telemetry
                .at("/properties/events/items/properties/event_data/properties/session_id/format")
                .asText())
        .isEqualTo("uuid");
    JsonNode observed = JSON.readTree(current.resolve(ObservationJson.FILE).toFile());
    assertThat(observed.path("counters").path("flows").asLong()).isEqualTo(9);
    assertThat(observed.path("counters").has("bodies_not_json")).isFalse();

    assertNoValueLeaks(List.of(baseline, current));
  }

  /**
   * Searches every output file for every string value of every input document, except values that
   * are part of the schema vocabulary the report is meant to contain (field names, SSE event types,
   * delta-type tags, JSON type and format names) and values shorter than 4 characters.
   */
  private void assertNoValueLeaks(List<Path> outputs) throws IOException {
    Set<String> values = new HashSet<>();
    Set<String> vocabulary =
        new HashSet<>(
            List.of(
                "object",
                "array",
                "string",
                "integer",
                "number",
                "boolean",
                "null",
                "uuid",
                "json-text",
                "claude-user-id",
                "date-time",
                "url",
                "hex",
                "base64",
                "prefixed-id",
                "token",
                "text",
                "empty"));
    vocabulary.addAll(deltaTypes);
    for (String doc : documents) {
      collect(JSON.readTree(doc), values, vocabulary);
    }
    List<String> searched =
        values.stream()
            .filter(v -> v.length() >= 4)
            .filter(v -> vocabulary.stream().noneMatch(w -> w.contains(v)))
            .toList();
    assertThat(searched)
        .contains(SYSTEM_PROMPT, TOOL_DESCRIPTION, "standard", "end_turn", "assistant")
        .anyMatch(v -> v.startsWith("user_"))
        .anyMatch(v -> v.startsWith("{\"device_id\""))
        .anyMatch(v -> v.startsWith("Refactor the payment"));
    List<Path> files = new ArrayList<>();
    for (Path out : outputs) {
      try (Stream<Path> walk = Files.walk(out)) {
        walk.filter(Files::isRegularFile).forEach(files::add);
      }
    }
    assertThat(files).hasSizeGreaterThan(10);
    for (Path file : files) {
      String content = Files.readString(file);
      assertThat(content).as("a map key that carries data").doesNotContain("diary-2026");
      for (String value : searched) {
        assertThat(content).as("%s must not contain an input value", file).doesNotContain(value);
      }
    }
  }

  private static void collect(JsonNode node, Set<String> values, Set<String> vocabulary) {
    if (node.isTextual()) {
      values.add(node.textValue());
      // Values that are JSON text hold values too.
      if (node.textValue().startsWith("{")) {
        try {
          collect(JSON.readTree(node.textValue()), values, vocabulary);
        } catch (IOException e) {
          throw new AssertionError(e);
        }
      }
    } else if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        vocabulary.add(f.getKey());
        if (f.getKey().equals("type") && f.getValue().isTextual()) {
          // SSE event names equal the payload's type tag (message_start, ...).
          vocabulary.add("sse:" + f.getValue().textValue());
        }
        collect(f.getValue(), values, vocabulary);
      }
    } else if (node.isArray()) {
      node.forEach(n -> collect(n, values, vocabulary));
    }
  }
}
