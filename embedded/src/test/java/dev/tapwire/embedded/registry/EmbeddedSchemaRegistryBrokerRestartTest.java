package dev.tapwire.embedded.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.avro.CallRecord;
import dev.tapwire.avro.DeadLetter;
import dev.tapwire.avro.FlowEvent;
import dev.tapwire.embedded.kafka.EmbeddedKafkaBroker;
import dev.tapwire.serde.AvroSerdes;
import dev.tapwire.serde.CompatibilityLevel;
import dev.tapwire.serde.RestSchemaRegistryClient;
import dev.tapwire.serde.SampleRecords;
import java.nio.file.Path;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry's state lives in Kafka's log on disk: after the broker and the registry both stop
 * and start again on the same data directory, ids, versions and settings are unchanged and bytes
 * written before the restart still decode.
 */
class EmbeddedSchemaRegistryBrokerRestartTest {
  @TempDir Path dataDir;

  @Test
  void shouldKeepIdsAndDecodeOldBytesAfterBrokerAndRegistryRestart() {
    FlowEvent event = SampleRecords.flowEventsOfEveryPayloadType().get(3);
    byte[] written;
    int flowId;
    int callId;
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDir(dataDir).build()) {
      broker.start();
      try (EmbeddedSchemaRegistry registry =
          new EmbeddedSchemaRegistry(broker.bootstrapServers())) {
        registry.start();
        RestSchemaRegistryClient client = new RestSchemaRegistryClient(registry.url());
        written =
            AvroSerdes.specific(FlowEvent.class, client, false)
                .serializer()
                .serialize("tapwire.flows.raw", event);
        callId = client.register("tapwire.calls-value", CallRecord.getClassSchema());
        flowId = client.lookup("tapwire.flows.raw-value", FlowEvent.getClassSchema()).id();
        client.setCompatibility("tapwire.calls-value", CompatibilityLevel.FULL);
      }
    }

    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDir(dataDir).build()) {
      broker.start();
      try (EmbeddedSchemaRegistry registry =
          new EmbeddedSchemaRegistry(broker.bootstrapServers())) {
        registry.start();
        RestSchemaRegistryClient client = new RestSchemaRegistryClient(registry.url());
        Serde<FlowEvent> serde = AvroSerdes.specific(FlowEvent.class, client, false);

        assertThat(serde.deserializer().deserialize("tapwire.flows.raw", written)).isEqualTo(event);
        assertThat(client.getLatest("tapwire.flows.raw-value").id()).isEqualTo(flowId);
        assertThat(client.getLatest("tapwire.calls-value").id()).isEqualTo(callId);
        assertThat(client.getCompatibility("tapwire.calls-value"))
            .isEqualTo(CompatibilityLevel.FULL);
        assertThat(client.register("tapwire.flows.dlq-value", DeadLetter.getClassSchema()))
            .isEqualTo(Math.max(flowId, callId) + 1);
      }
    }
  }
}
