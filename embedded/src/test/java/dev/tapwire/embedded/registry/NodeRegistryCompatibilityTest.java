package dev.tapwire.embedded.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapwire.avro.CallRecord;
import dev.tapwire.avro.DeadLetter;
import dev.tapwire.avro.FlowEvent;
import dev.tapwire.embedded.kafka.EmbeddedKafkaBroker;
import dev.tapwire.serde.AvroSerdes;
import dev.tapwire.serde.CompatibilityLevel;
import dev.tapwire.serde.RestSchemaRegistryClient;
import dev.tapwire.serde.SampleRecords;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compatibility with an independent Confluent client: the npm package
 * {@code @kafkajs/confluent-schema-registry} (version pinned in {@code src/test/node/package.json},
 * installed by the build with {@code npm ci}) runs under Node against the embedded registry.
 */
class NodeRegistryCompatibilityTest {
  /** Numbers compare by value (Node prints 4000.0 as 4000). */
  private static final Comparator<JsonNode> NUMERIC =
      (a, b) ->
          a.isNumber() && b.isNumber()
              ? a.decimalValue().compareTo(b.decimalValue())
              : a.equals(b) ? 0 : 1;

  @TempDir static Path dataDir;
  @TempDir static Path workDir;
  private static EmbeddedKafkaBroker broker;
  private static EmbeddedSchemaRegistry registry;
  private static RestSchemaRegistryClient client;
  private static NodeScript node;

  private final ObjectMapper json = new ObjectMapper();

  @BeforeAll
  static void start() throws Exception {
    node = new NodeScript(workDir);
    node.checkInstalled();
    broker = EmbeddedKafkaBroker.builder().dataDir(dataDir).port(0).build();
    broker.start();
    registry =
        new EmbeddedSchemaRegistry(
            broker.bootstrapServers(), new InetSocketAddress("127.0.0.1", 0));
    registry.start();
    client = new RestSchemaRegistryClient(registry.url());
  }

  @AfterAll
  static void stop() {
    if (registry != null) {
      registry.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  static List<SpecificRecordBase> everyRecord() {
    List<SpecificRecordBase> records =
        new ArrayList<>(SampleRecords.flowEventsOfEveryPayloadType());
    records.add(SampleRecords.callRecord());
    records.add(SampleRecords.deadLetter());
    return records;
  }

  @Test
  void shouldLetNodeDecodeWhatOurSerializerWrote() throws Exception {
    List<SpecificRecordBase> records = everyRecord();
    ArrayNode hexes = json.createArrayNode();
    for (SpecificRecordBase record : records) {
      String topic = "java-made-" + record.getSchema().getName();
      hexes.add(HexFormat.of().formatHex(serde(record).serializer().serialize(topic, record)));
    }

    JsonNode decoded =
        node.call("decode", registry.url(), json.createObjectNode().set("hexes", hexes));

    assertThat(decoded.get("values")).hasSize(records.size());
    for (int i = 0; i < records.size(); i++) {
      SpecificRecordBase record = records.get(i);
      JsonNode expected = AvscJson.of(record, record.getSchema(), record.getSpecificData());
      JsonNode actual = decoded.get("values").get(i);
      assertThat(actual.equals(NUMERIC, expected))
          .as("Node's decoding of %s%nexpected %s%nactual   %s", describe(record), expected, actual)
          .isTrue();
    }
  }

  @Test
  void shouldDecodeWhatNodeEncodedAfterNodeRegisteredAndLookedUp() throws Exception {
    for (List<? extends SpecificRecordBase> records :
        List.of(
            SampleRecords.flowEventsOfEveryPayloadType(),
            List.of(SampleRecords.callRecord()),
            List.of(SampleRecords.deadLetter()))) {
      SpecificRecordBase first = records.get(0);
      String subject = "node-made-" + first.getSchema().getName() + "-value";
      ArrayNode values = json.createArrayNode();
      records.forEach(r -> values.add(AvscJson.of(r, r.getSchema(), r.getSpecificData())));
      ObjectNode request =
          json.createObjectNode()
              .put("subject", subject)
              .put("schema", first.getSchema().toString());
      request.set("values", values);

      JsonNode answer = node.call("encode", registry.url(), request);

      int ourId = client.lookup(subject, first.getSchema()).id();
      assertThat(answer.get("id").asInt()).as("id Node registered, %s", answer).isEqualTo(ourId);
      assertThat(answer.get("latestId").asInt()).as("getLatestSchemaId").isEqualTo(ourId);
      assertThat(answer.get("versionId").asInt()).as("getRegistryId(subject, 1)").isEqualTo(ourId);
      assertThat(answer.get("bySchemaId").asInt()).as("getRegistryIdBySchema").isEqualTo(ourId);
      assertThat(registry.registry().subjectCompatibility(subject))
          .as("Node sets the subject's level after its first registration")
          .contains(CompatibilityLevel.BACKWARD);
      for (int i = 0; i < records.size(); i++) {
        byte[] bytes = HexFormat.of().parseHex(answer.get("hexes").get(i).asText());
        assertThat(bytes[0]).isZero();
        assertThat(serde(first).deserializer().deserialize("node-made", bytes))
            .as("our decoding of Node's %s", describe(records.get(i)))
            .isEqualTo(records.get(i));
      }
    }
  }

  @Test
  void shouldGiveNodeErrorCode40403ForUnknownSchemaId() throws Exception {
    String unknownId = "0000002710"; // magic byte 0, id 10000
    JsonNode answer =
        node.call("failure", registry.url(), json.createObjectNode().put("hex", unknownId + "02"));

    JsonNode error = answer.get("error");
    assertThat(error).as("Node's answer %s", answer).isNotNull();
    assertThat(error.get("status").asInt()).as("%s", error).isEqualTo(404);
    assertThat(error.get("errorCode").asInt()).as("%s", error).isEqualTo(40403);
    assertThat(error.get("message").asText()).contains("10000");
  }

  @SuppressWarnings("unchecked")
  private static Serde<SpecificRecordBase> serde(SpecificRecordBase record) {
    return (Serde<SpecificRecordBase>)
        (Serde<?>) AvroSerdes.specific(record.getClass(), client, false);
  }

  private static String describe(SpecificRecordBase record) {
    return record instanceof FlowEvent event
        ? "FlowEvent/" + event.getPayload().getClass().getSimpleName()
        : Stream.of(CallRecord.class, DeadLetter.class)
            .filter(c -> c.isInstance(record))
            .findFirst()
            .map(Class::getSimpleName)
            .orElse(record.getClass().getName());
  }
}
