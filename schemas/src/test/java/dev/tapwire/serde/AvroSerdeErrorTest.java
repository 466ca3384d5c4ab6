package dev.tapwire.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapwire.avro.DeadLetter;
import dev.tapwire.avro.FlowEvent;
import dev.tapwire.registry.InMemorySchemaRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class AvroSerdeErrorTest {
  private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
  private final Serde<FlowEvent> flows = AvroSerdes.specific(FlowEvent.class, registry, false);

  @Test
  void shouldRejectUnknownMagicByte() {
    byte[] bytes =
        flows.serializer().serialize("t", SampleRecords.flowEventsOfEveryPayloadType().get(0));
    bytes[0] = 1;

    assertThatThrownBy(() -> flows.deserializer().deserialize("t", bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("Unknown magic byte 1");
  }

  @Test
  void shouldRejectMessageShorterThanHeader() {
    assertThatThrownBy(() -> flows.deserializer().deserialize("t", new byte[] {0, 0, 1}))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("fewer than the 5-byte header");
  }

  @Test
  void shouldRejectUnknownSchemaIdWithRegistryErrorAsCause() {
    byte[] bytes =
        ByteBuffer.allocate(7).put((byte) 0).putInt(9_999).put(new byte[] {2, 4}).array();

    assertThatThrownBy(() -> flows.deserializer().deserialize("t", bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("Unknown schema id 9999")
        .cause()
        .isInstanceOfSatisfying(
            SchemaNotFoundException.class, e -> assertThat(e.errorCode()).isEqualTo(40403));
  }

  @Test
  void shouldRejectSchemaIncompatibleWithSubject() {
    Schema v1 = record("Thing", "{\"name\":\"a\",\"type\":\"int\"}");
    Schema v2 =
        record(
            "Thing", "{\"name\":\"a\",\"type\":\"int\"}", "{\"name\":\"b\",\"type\":\"string\"}");
    registry.register("things-value", v1);
    GenericRecord thing = new GenericData.Record(v2);
    thing.put("a", 1);
    thing.put("b", "no default");

    assertThatThrownBy(
            () -> AvroSerdes.generic(registry, false).serializer().serialize("things", thing))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("incompatible with subject things-value")
        .cause()
        .isInstanceOfSatisfying(
            IncompatibleSchemaException.class, e -> assertThat(e.errorCode()).isEqualTo(409));
  }

  @Test
  void shouldRefuseUnregisteredSchemaWhenAutoRegisterIsOff() {
    AvroSerializer<FlowEvent> serializer = new AvroSerializer<>(registry, false, false);

    assertThatThrownBy(
            () -> serializer.serialize("t", SampleRecords.flowEventsOfEveryPayloadType().get(0)))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("not registered under subject t-value")
        .hasCauseInstanceOf(SubjectNotFoundException.class);
  }

  @Test
  void shouldUseRegisteredSchemaWhenAutoRegisterIsOff() {
    registry.register("t-value", FlowEvent.getClassSchema());
    AvroSerializer<FlowEvent> serializer = new AvroSerializer<>(registry, false, false);
    FlowEvent event = SampleRecords.flowEventsOfEveryPayloadType().get(3);

    assertThat(flows.deserializer().deserialize("t", serializer.serialize("t", event)))
        .isEqualTo(event);
    assertThat(registry.registry().versions("t-value")).containsExactly(1);
  }

  @Test
  void shouldReportUnreachableRegistryOnSerializeAndDeserialize() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    RestSchemaRegistryClient unreachable =
        new RestSchemaRegistryClient(
            "http://127.0.0.1:" + closedPort, Duration.ofSeconds(2), 2, Duration.ofMillis(1));
    Serde<FlowEvent> serde = AvroSerdes.specific(FlowEvent.class, unreachable, false);
    FlowEvent event = SampleRecords.flowEventsOfEveryPayloadType().get(0);
    byte[] framed = flows.serializer().serialize("t", event);

    assertThatThrownBy(() -> serde.serializer().serialize("t", event))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("unreachable")
        .hasCauseInstanceOf(SchemaRegistryUnavailableException.class);
    assertThatThrownBy(() -> serde.deserializer().deserialize("t", framed))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("unreachable")
        .hasCauseInstanceOf(SchemaRegistryUnavailableException.class);
  }

  @Test
  void shouldRejectWriterSchemaTheReaderCannotRead() {
    registry.setCompatibility(CompatibilityLevel.NONE);
    Schema impostor = record("DeadLetter", "{\"name\":\"source_topic\",\"type\":\"int\"}");
    GenericRecord record = new GenericData.Record(impostor);
    record.put("source_topic", 5);
    byte[] bytes = AvroSerdes.generic(registry, false).serializer().serialize("dlq", record);

    assertThatThrownBy(
            () ->
                AvroSerdes.specific(DeadLetter.class, registry, false)
                    .deserializer()
                    .deserialize("dlq", bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("is incompatible with reader dev.tapwire.avro.DeadLetter")
        .hasCauseInstanceOf(IncompatibleSchemaException.class);
  }

  @Test
  void shouldResolveOlderWriterSchemaOntoCurrentClass() throws IOException {
    // An older DeadLetter without error_class (a field with a default) and with a field the
    // current schema no longer has: Avro schema resolution fills the default and skips the extra.
    ObjectMapper json = new ObjectMapper();
    ObjectNode old = (ObjectNode) json.readTree(DeadLetter.getClassSchema().toString());
    ArrayNode fields = (ArrayNode) old.get("fields");
    for (int i = 0; i < fields.size(); i++) {
      if (fields.get(i).get("name").asText().equals("error_class")) {
        fields.remove(i);
        break;
      }
    }
    fields.add(json.readTree("{\"name\":\"retired\",\"type\":\"string\",\"default\":\"\"}"));
    Schema oldSchema = new Schema.Parser().parse(old.toString());
    DeadLetter current = SampleRecords.deadLetter();
    GenericRecord written = new GenericData.Record(oldSchema);
    for (Schema.Field field : oldSchema.getFields()) {
      written.put(
          field.name(), field.name().equals("retired") ? "gone" : current.get(field.name()));
    }
    registry.setCompatibility(CompatibilityLevel.NONE);
    byte[] bytes = AvroSerdes.generic(registry, false).serializer().serialize("dlq-old", written);

    DeadLetter read =
        AvroSerdes.specific(DeadLetter.class, registry, false)
            .deserializer()
            .deserialize("dlq-old", bytes);

    assertThat(read.getErrorClass()).isNull();
    assertThat(read.getReason()).isEqualTo(current.getReason());
    assertThat(read.getFailedAt()).isEqualTo(current.getFailedAt());
    assertThat(read.getValue()).isEqualTo(current.getValue());
  }

  @Test
  void shouldRejectDatumThatDoesNotMatchItsSchema() {
    Schema schema = record("Thing", "{\"name\":\"a\",\"type\":\"int\"}");
    GenericRecord thing = new GenericData.Record(schema);
    thing.put("a", "not an int");

    assertThatThrownBy(
            () -> AvroSerdes.generic(registry, false).serializer().serialize("bad", thing))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("Cannot encode");
  }

  @Test
  void shouldRejectCorruptAvroBody() {
    byte[] bytes =
        flows.serializer().serialize("t", SampleRecords.flowEventsOfEveryPayloadType().get(0));
    byte[] truncated = java.util.Arrays.copyOf(bytes, 12);

    assertThatThrownBy(() -> flows.deserializer().deserialize("t", truncated))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("Cannot decode Avro data of topic t");
  }

  private static Schema record(String name, String... fields) {
    return new Schema.Parser()
        .parse(
            "{\"type\":\"record\",\"name\":\""
                + name
                + "\",\"namespace\":\"dev.tapwire.avro\",\"fields\":["
                + String.join(",", fields)
                + "]}");
  }
}
