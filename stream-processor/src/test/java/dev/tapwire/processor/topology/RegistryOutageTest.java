package dev.tapwire.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tapwire.avro.CallRecord;
import dev.tapwire.avro.DeadLetter;
import dev.tapwire.avro.FlowEvent;
import dev.tapwire.avro.Termination;
import dev.tapwire.processor.ProcessorConfig;
import dev.tapwire.registry.InMemorySchemaRegistry;
import dev.tapwire.schemas.Topics;
import dev.tapwire.serde.AvroSerdes;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A schema registry outage fails processing (to be retried); it never dead-letters good events. */
class RegistryOutageTest {
  private static final Instant T0 = Instant.parse("2026-11-15T10:00:00Z");

  @TempDir Path stateDir;

  @Test
  void shouldFailInsteadOfDeadLetteringWhileTheRegistryIsUnreachable() {
    InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    FlakyRegistry flaky = new FlakyRegistry(registry);
    Serializer<FlowEvent> producerSide =
        AvroSerdes.specific(FlowEvent.class, registry, false).serializer();
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "outage-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    try (TopologyTestDriver driver =
        new TopologyTestDriver(
            CallTopology.build(
                new ProcessorConfig(Map.of()),
                AvroSerdes.specific(FlowEvent.class, flaky, false),
                AvroSerdes.specific(CallRecord.class, registry, false),
                AvroSerdes.specific(DeadLetter.class, registry, false),
                Clock.systemUTC()),
            props,
            T0)) {
      TestInputTopic<String, FlowEvent> raw =
          driver.createInputTopic(Topics.RAW_FLOWS, new StringSerializer(), producerSide);
      TestOutputTopic<String, CallRecord> calls =
          driver.createOutputTopic(
              Topics.CALLS,
              new StringDeserializer(),
              AvroSerdes.specific(CallRecord.class, registry, false).deserializer());
      TestOutputTopic<String, DeadLetter> dlq =
          driver.createOutputTopic(
              Topics.FLOWS_DLQ,
              new StringDeserializer(),
              AvroSerdes.specific(DeadLetter.class, registry, false).deserializer());
      List<FlowEvent> events =
          FlowScript.start(T0)
              .request("POST", "api.anthropic.com", "/v1/messages", FlowScript.headers())
              .requestBody(Transcripts.anthropicRequest("claude-haiku-4-5", true, null))
              .response(200, FlowScript.headers("content-type", "text/event-stream"))
              .sse(Transcripts.completeStream("claude-haiku-4-5"), Duration.ofMillis(5), 3)
              .end(Termination.COMPLETE)
              .events();

      flaky.down = true;
      FlowEvent first = events.get(0);
      assertThatThrownBy(() -> raw.pipeInput(first.getFlowId().toString(), first))
          .hasStackTraceContaining("registry down (test)");
      assertThat(dlq.isEmpty()).isTrue();

      flaky.down = false;
      events.forEach(e -> raw.pipeInput(e.getFlowId().toString(), e));
      assertThat(calls.readValuesToList()).hasSize(1);
      assertThat(dlq.isEmpty()).isTrue();
    }
  }
}
