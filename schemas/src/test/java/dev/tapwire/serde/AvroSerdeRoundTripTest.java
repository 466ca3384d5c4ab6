package dev.tapwire.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tapwire.avro.BodyPart;
import dev.tapwire.avro.CallRecord;
import dev.tapwire.avro.DeadLetter;
import dev.tapwire.avro.FlowEvent;
import dev.tapwire.registry.InMemorySchemaRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.avro.util.Utf8;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AvroSerdeRoundTripTest {
  private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();

  static Stream<Arguments> everyRecord() {
    Stream<Arguments> flowEvents =
        SampleRecords.flowEventsOfEveryPayloadType().stream()
            .map(e -> Arguments.of(e.getPayload().getClass().getSimpleName(), e));
    return Stream.concat(
        flowEvents,
        Stream.of(
            Arguments.of("CallRecord", SampleRecords.callRecord()),
            Arguments.of("DeadLetter", SampleRecords.deadLetter())));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyRecord")
  void shouldRoundTripSpecificRecordInConfluentWireFormat(String name, SpecificRecordBase record)
      throws IOException {
    Serde<SpecificRecordBase> serde = specificSerde(record);
    byte[] bytes = serde.serializer().serialize("topic-" + name, record);

    int id = registry.lookup("topic-" + name + "-value", record.getSchema()).id();
    assertThat(bytes[0]).as("magic byte").isEqualTo((byte) 0);
    assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).as("schema id, big-endian").isEqualTo(id);
    assertThat(Arrays.copyOfRange(bytes, 5, bytes.length))
        .as("Avro binary body")
        .isEqualTo(plainAvro(record));

    SpecificRecordBase back = serde.deserializer().deserialize("topic-" + name, bytes);
    assertThat(back).isInstanceOf(record.getClass()).isEqualTo(record);
  }

  @Test
  void shouldWriteOnlyTheRemainingBytesOfABodyBufferAndLeaveTheBufferAsItWas() throws IOException {
    byte[] around = "xxxx{\"model\":\"claude-sonnet-4-5\"}yyyy".getBytes(StandardCharsets.UTF_8);
    ByteBuffer window = ByteBuffer.wrap(around, 4, around.length - 8).slice();
    ByteBuffer positioned = ByteBuffer.wrap(around, 4, around.length - 8);
    ByteBuffer direct = ByteBuffer.allocateDirect(around.length - 8).put(window.duplicate()).flip();
    ByteBuffer readOnly = window.asReadOnlyBuffer();
    BodyPart expected = SampleRecords.bodyPart();
    expected.setData(ByteBuffer.wrap(Arrays.copyOfRange(around, 4, around.length - 4)));
    byte[] reference = plainAvro(SampleRecords.flowEvent(1, expected));
    for (ByteBuffer data : List.of(window, positioned, direct, readOnly)) {
      BodyPart part = SampleRecords.bodyPart();
      part.setData(data);
      FlowEvent event = SampleRecords.flowEvent(1, part);
      int position = data.position();
      byte[] bytes = specificSerde(event).serializer().serialize("parts", event);
      assertThat(Arrays.copyOfRange(bytes, 5, bytes.length)).as("%s", data).isEqualTo(reference);
      assertThat(data.position()).as("position of %s", data).isEqualTo(position);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyRecord")
  void shouldRoundTripGenericRecordReadFromSpecificBytes(String name, SpecificRecordBase record) {
    String topic = "generic-" + name;
    byte[] specificBytes = specificSerde(record).serializer().serialize(topic, record);
    Serde<GenericRecord> generic = AvroSerdes.generic(registry, false);

    GenericRecord asGeneric = generic.deserializer().deserialize(topic, specificBytes);
    assertThat(asGeneric).isNotInstanceOf(SpecificRecordBase.class);
    assertThat(asGeneric.getSchema()).isEqualTo(record.getSchema());
    byte[] genericBytes = generic.serializer().serialize(topic, asGeneric);

    assertThat(Arrays.copyOf(genericBytes, 5))
        .as("same header")
        .isEqualTo(Arrays.copyOf(specificBytes, 5));
    assertThat(genericBytes).as("same length (map order may differ)").hasSameSizeAs(specificBytes);
    assertThat(specificSerde(record).deserializer().deserialize(topic, genericBytes))
        .isEqualTo(record);
  }

  @Test
  void shouldEncodeExactlyAfterALargerEventAndAfterAFailedEncodeOnTheSameThread()
      throws IOException {
    Serde<FlowEvent> serde = AvroSerdes.specific(FlowEvent.class, registry, true);
    byte[] big = new byte[300 * 1024];
    Arrays.fill(big, (byte) 'x');
    FlowEvent large = SampleRecords.flowEvent(1, SampleRecords.bodyPart());
    ((dev.tapwire.avro.BodyPart) large.getPayload()).setData(ByteBuffer.wrap(big));
    FlowEvent small = SampleRecords.flowEventsOfEveryPayloadType().get(0);
    FlowEvent broken = SampleRecords.flowEvent(2, SampleRecords.bodyPart());
    ((dev.tapwire.avro.BodyPart) broken.getPayload()).setDirection(null); // not nullable

    byte[] first = serde.serializer().serialize("reuse", large);
    byte[] second = serde.serializer().serialize("reuse", small);
    assertThatThrownBy(() -> serde.serializer().serialize("reuse", broken))
        .isInstanceOf(org.apache.kafka.common.errors.SerializationException.class);
    byte[] third = serde.serializer().serialize("reuse", small);

    assertThat(serde.deserializer().deserialize("reuse", first)).isEqualTo(large);
    assertThat(second)
        .as("no bytes left over from the larger event")
        .hasSize(5 + plainAvro(small).length);
    assertThat(third).as("no partial datum left over from the failed encode").isEqualTo(second);
    assertThat(serde.deserializer().deserialize("reuse", third)).isEqualTo(small);
  }

  @Test
  void shouldKeepDecimalsMapsAndTimestampsOfCallRecord() {
    CallRecord record = SampleRecords.callRecord();
    Serde<CallRecord> serde = AvroSerdes.specific(CallRecord.class, registry, false);

    CallRecord back =
        serde.deserializer().deserialize("calls", serde.serializer().serialize("calls", record));

    assertThat(back.getCost().getTotalUsd()).isEqualTo(new BigDecimal("0.0297110000"));
    assertThat(back.getCost().getTotalUsd().scale()).isEqualTo(10);
    assertThat(back.getRateLimits().getHeaders())
        .containsEntry("anthropic-ratelimit-unified-status", "allowed")
        .hasSize(2);
    assertThat(back.getTiming().getStart()).isEqualTo(Instant.parse("2026-11-21T20:15:30.123456Z"));
    assertThat(back.getCallId()).isEqualTo(SampleRecords.FLOW_ID);
  }

  @Test
  void shouldExposeLogicalTypesAsRawValuesInGenericRecords() {
    FlowEvent event = SampleRecords.flowEventsOfEveryPayloadType().get(0);
    byte[] bytes =
        AvroSerdes.specific(FlowEvent.class, registry, false).serializer().serialize("raw", event);

    GenericRecord generic =
        AvroSerdes.generic(registry, false).deserializer().deserialize("raw", bytes);

    assertThat(generic.get("flow_id")).isEqualTo(new Utf8(SampleRecords.FLOW_ID.toString()));
    assertThat(generic.get("event_time"))
        .isEqualTo(
            SampleRecords.T0.getEpochSecond() * 1_000_000L + SampleRecords.T0.getNano() / 1_000);
    assertThat(((GenericRecord) generic.get("payload")).getSchema().getName())
        .isEqualTo("RequestHead");
  }

  @Test
  void shouldSerializeGenericRecordHoldingJavaLogicalTypes() {
    Schema schema = dev.tapwire.avro.DeadLetter.getClassSchema();
    GenericRecord generic = new GenericData.Record(schema);
    DeadLetter expected = SampleRecords.deadLetter();
    for (Schema.Field field : schema.getFields()) {
      generic.put(field.pos(), expected.get(field.pos()));
    }
    assertThat(generic.get("failed_at")).isInstanceOf(Instant.class);

    byte[] bytes = AvroSerdes.generic(registry, false).serializer().serialize("dlq", generic);

    assertThat(
            AvroSerdes.specific(DeadLetter.class, registry, false)
                .deserializer()
                .deserialize("dlq", bytes))
        .isEqualTo(expected);
  }

  @Test
  void shouldRegisterKeysAndValuesUnderTopicSubjects() {
    Serde<GenericRecord> values = AvroSerdes.generic(registry, false);
    AvroSerializer<Object> keys = new AvroSerializer<>(registry, true, true);
    FlowEvent event = SampleRecords.flowEventsOfEveryPayloadType().get(1);

    byte[] keyBytes = keys.serialize("tapwire.flows.raw", SampleRecords.FLOW_ID.toString());
    AvroSerdes.specific(FlowEvent.class, registry, false)
        .serializer()
        .serialize("tapwire.flows.raw", event);

    assertThat(registry.subjects())
        .containsExactly("tapwire.flows.raw-key", "tapwire.flows.raw-value");
    assertThat(registry.getLatest("tapwire.flows.raw-key").schema().getType())
        .isEqualTo(Schema.Type.STRING);
    Object key = new AvroDeserializer<>(registry, null).deserialize("tapwire.flows.raw", keyBytes);
    assertThat(key).isEqualTo(SampleRecords.FLOW_ID.toString());
    assertThat(values).isNotNull();
  }

  @Test
  void shouldRoundTripAvroPrimitives() {
    AvroSerializer<Object> serializer = new AvroSerializer<>(registry, true, false);
    AvroDeserializer<Object> deserializer = new AvroDeserializer<>(registry, null);
    for (Object value : List.of(42, 42L, 1.5f, 2.5d, true, "text", UUID.randomUUID().toString())) {
      String topic = "primitive-" + value.getClass().getSimpleName();
      assertThat(deserializer.deserialize(topic, serializer.serialize(topic, value)))
          .isEqualTo(value);
    }
    byte[] bytes = serializer.serialize("primitive-bytes", new byte[] {1, 2, 3});
    assertThat(deserializer.deserialize("primitive-bytes", bytes))
        .isEqualTo(ByteBuffer.wrap(new byte[] {1, 2, 3}));
  }

  @Test
  void shouldMapNullToNullBothWays() {
    Serde<FlowEvent> serde = AvroSerdes.specific(FlowEvent.class, registry, false);

    assertThat(serde.serializer().serialize("t", null)).isNull();
    assertThat(serde.deserializer().deserialize("t", null)).isNull();
    assertThat(serde.deserializer().deserialize("t", new byte[0])).isNull();
  }

  @Test
  void shouldReuseOneIdForTheSameSchemaAcrossRecords() {
    Serde<FlowEvent> serde = AvroSerdes.specific(FlowEvent.class, registry, false);
    List<FlowEvent> events = SampleRecords.flowEventsOfEveryPayloadType();

    List<Integer> ids =
        events.stream()
            .map(e -> ByteBuffer.wrap(serde.serializer().serialize("flows", e), 1, 4).getInt())
            .distinct()
            .toList();

    assertThat(ids).hasSize(1);
    assertThat(registry.registry().versions("flows-value")).containsExactly(1);
  }

  @Test
  void shouldConfigureFromKafkaStyleSettingsWithoutContactingTheRegistry() {
    Serde<FlowEvent> serde =
        AvroSerdes.specific(
            FlowEvent.class,
            Map.of(
                SerdeConfig.SCHEMA_REGISTRY_URL_CONFIG,
                "http://127.0.0.1:1",
                SerdeConfig.AUTO_REGISTER_SCHEMAS_CONFIG,
                false),
            false);

    assertThat(((AvroSerializer<?>) serde.serializer()).client())
        .isInstanceOfSatisfying(
            RestSchemaRegistryClient.class,
            c -> assertThat(c.baseUrl()).isEqualTo("http://127.0.0.1:1"));
  }

  @SuppressWarnings("unchecked")
  private Serde<SpecificRecordBase> specificSerde(SpecificRecordBase record) {
    return (Serde<SpecificRecordBase>)
        (Serde<?>) AvroSerdes.specific(record.getClass(), registry, false);
  }

  private static byte[] plainAvro(SpecificRecordBase record) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new SpecificDatumWriter<SpecificRecordBase>(record.getSchema(), record.getSpecificData())
        .write(record, encoder);
    encoder.flush();
    return out.toByteArray();
  }
}
