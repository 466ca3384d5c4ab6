package dev.tapwire.serde;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.avro.FlowEvent;
import dev.tapwire.avro.RequestHead;
import dev.tapwire.registry.InMemorySchemaRegistry;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;

/** The serde as Kafka Streams uses it: in {@code Consumed.with} and {@code Produced.with}. */
class AvroSerdeStreamsTest {

  @Test
  void shouldCarrySpecificRecordsThroughATopology() {
    InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    Serde<FlowEvent> flows = AvroSerdes.specific(FlowEvent.class, registry, false);
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream("in", Consumed.with(Serdes.String(), flows))
        .filter((key, event) -> event.getPayload() instanceof RequestHead)
        .to("out", Produced.with(Serdes.String(), flows));
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "serde-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");

    try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props)) {
      TestInputTopic<String, FlowEvent> in =
          driver.createInputTopic("in", Serdes.String().serializer(), flows.serializer());
      TestOutputTopic<String, FlowEvent> out =
          driver.createOutputTopic("out", Serdes.String().deserializer(), flows.deserializer());
      List<FlowEvent> events = SampleRecords.flowEventsOfEveryPayloadType();
      events.forEach(e -> in.pipeInput(e.getFlowId().toString(), e));

      assertThat(out.readValuesToList()).containsExactly(events.get(0));
    }
    assertThat(registry.subjects()).containsExactly("in-value", "out-value");
  }

  @Test
  void shouldBeCreatableByKafkaFromClassNameAndSettings() {
    try (AvroSerde<Object> serde = new AvroSerde<>()) {
      serde.configure(
          java.util.Map.of(
              SerdeConfig.SCHEMA_REGISTRY_URL_CONFIG,
              "http://127.0.0.1:8081",
              SerdeConfig.SPECIFIC_AVRO_READER_CONFIG,
              true),
          false);

      assertThat(((AvroSerializer<Object>) serde.serializer()).client())
          .isInstanceOf(RestSchemaRegistryClient.class);
      assertThat(((AvroDeserializer<Object>) serde.deserializer()).client())
          .isInstanceOf(RestSchemaRegistryClient.class);
    }
  }

  @Test
  void shouldRequireRegistryUrlWhenCreatedByKafka() {
    try (AvroSerde<Object> serde = new AvroSerde<>()) {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> serde.configure(java.util.Map.of(), false))
          .isInstanceOf(org.apache.kafka.common.config.ConfigException.class)
          .hasMessageContaining("schema.registry.url");
    }
  }
}
