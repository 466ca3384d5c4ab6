package dev.tapwire.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tapwire.avro.CallRecord;
import dev.tapwire.avro.DeadLetter;
import dev.tapwire.avro.FlowEvent;
import dev.tapwire.avro.Header;
import dev.tapwire.avro.Termination;
import dev.tapwire.processor.ProcessorConfig;
import dev.tapwire.registry.InMemorySchemaRegistry;
import dev.tapwire.schemas.Topics;
import dev.tapwire.serde.AvroSerdes;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Golden transcripts: {@code golden/<name>.sse} (an event stream) or {@code golden/<name>.jsonl} (a
 * plain body, e.g. Message Batch results) is a recorded response body; {@code golden/<name>.json}
 * gives the request (method, default POST; host, path, headers, optional body), the response status
 * and headers, and the expected call record — or, as an array, the expected call records in emitted
 * order — compared field by field (every field named in {@code expected} must exist in the record
 * and match; decimals compare by value). The response head arrives 300 ms after the request; then
 * one SSE frame every 10 ms, three frames to a chunk, or the plain body at once and the flow end 50
 * ms later.
 */
class GoldenTranscriptTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant T0 = Instant.parse("2026-11-15T10:00:00Z");

  @TempDir Path stateDir;

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "anthropic-tool-use",
        "anthropic-thinking-web-search",
        "anthropic-overloaded",
        "openai-chat-usage",
        "openai-responses",
        "anthropic-batch-results"
      })
  void shouldDeriveTheExpectedCallRecordFromTheTranscript(String name) throws IOException {
    JsonNode golden = JSON.readTree(resource(name + ".json"));
    FlowScript flow =
        FlowScript.start(T0)
            .request(
                golden.path("method").asText("POST"),
                golden.get("host").asText(),
                golden.get("path").asText(),
                headers(golden.get("request_headers")));
    JsonNode requestBody = golden.get("request_body");
    if (requestBody != null && !requestBody.isNull()) {
      flow.requestBody(JSON.writeValueAsBytes(requestBody));
    }
    flow.after(Duration.ofMillis(300))
        .response(golden.get("response_status").asInt(), headers(golden.get("response_headers")));
    if (exists(name + ".sse")) {
      flow.sse(
          new String(resource(name + ".sse"), StandardCharsets.UTF_8), Duration.ofMillis(10), 3);
    } else {
      flow.responseBody(resource(name + ".jsonl")).after(Duration.ofMillis(50));
    }
    flow.end(Termination.COMPLETE);

    List<CallRecord> records = run(flow.events());

    JsonNode expected = golden.get("expected");
    if (expected.isArray()) {
      assertThat(records).hasSize(expected.size());
      for (int i = 0; i < records.size(); i++) {
        compare("[" + i + "].", expected.get(i), records.get(i));
      }
    } else {
      assertThat(records).hasSize(1);
      compare("", expected, records.get(0));
    }
  }

  private static boolean exists(String name) {
    return GoldenTranscriptTest.class.getResource("/golden/" + name) != null;
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = GoldenTranscriptTest.class.getResourceAsStream("/golden/" + name)) {
      assertThat(in).as("resource golden/" + name).isNotNull();
      return in.readAllBytes();
    }
  }

  private static List<Header> headers(JsonNode object) {
    List<Header> headers = new ArrayList<>();
    object.properties().forEach(e -> headers.add(new Header(e.getKey(), e.getValue().asText())));
    return headers;
  }

  private List<CallRecord> run(List<FlowEvent> events) {
    InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    Serde<FlowEvent> flowSerde = AvroSerdes.specific(FlowEvent.class, registry, false);
    Serde<CallRecord> callSerde = AvroSerdes.specific(CallRecord.class, registry, false);
    Serde<DeadLetter> dlqSerde = AvroSerdes.specific(DeadLetter.class, registry, false);
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "golden-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    try (TopologyTestDriver driver =
        new TopologyTestDriver(
            CallTopology.build(
                new ProcessorConfig(Map.of()),
                flowSerde,
                callSerde,
                dlqSerde,
                Clock.fixed(T0, ZoneOffset.UTC)),
            props,
            T0)) {
      TestInputTopic<String, FlowEvent> raw =
          driver.createInputTopic(Topics.RAW_FLOWS, new StringSerializer(), flowSerde.serializer());
      TestOutputTopic<String, CallRecord> calls =
          driver.createOutputTopic(
              Topics.CALLS, new StringDeserializer(), callSerde.deserializer());
      events.forEach(e -> raw.pipeInput(e.getFlowId().toString(), e, e.getEventTime()));
      List<KeyValue<String, CallRecord>> records = calls.readKeyValuesToList();
      for (KeyValue<String, CallRecord> record : records) {
        assertThat(record.key).isEqualTo(record.value.getCallId().toString());
      }
      return records.stream().map(record -> record.value).toList();
    }
  }

  private static void compare(String path, JsonNode expected, Object actual) {
    if (expected.isObject()) {
      assertThat(actual).as(path).isInstanceOf(GenericRecord.class);
      GenericRecord record = (GenericRecord) actual;
      for (Map.Entry<String, JsonNode> field : expected.properties()) {
        Schema.Field schemaField = record.getSchema().getField(field.getKey());
        if (schemaField == null) {
          fail(
              "expected field "
                  + path
                  + field.getKey()
                  + " is not in "
                  + record.getSchema().getName());
        }
        compare(path + field.getKey() + ".", field.getValue(), record.get(field.getKey()));
      }
      return;
    }
    String where = path.substring(0, path.length() - 1);
    if (expected.isNull()) {
      assertThat(actual).as(where).isNull();
    } else if (expected.isNumber() || (expected.isTextual() && actual instanceof BigDecimal)) {
      assertThat(actual).as(where).isNotNull();
      assertThat(new BigDecimal(actual.toString()))
          .as(where)
          .isEqualByComparingTo(new BigDecimal(expected.asText()));
    } else if (expected.isArray()) {
      assertThat(actual).as(where).isInstanceOf(List.class);
      List<?> list = (List<?>) actual;
      assertThat(list).as(where).hasSize(expected.size());
      for (int i = 0; i < list.size(); i++) {
        compare(where + "[" + i + "].", expected.get(i), list.get(i));
      }
    } else if (expected.isBoolean()) {
      assertThat(actual).as(where).isEqualTo(expected.asBoolean());
    } else {
      assertThat(actual).as(where).isNotNull();
      assertThat(actual.toString()).as(where).isEqualTo(expected.asText());
    }
  }
}
