package dev.tapwire.replay.observe;

import dev.tapwire.avro.FlowEvent;
import dev.tapwire.replay.FlowAssembler;
import dev.tapwire.replay.ReplayException;
import dev.tapwire.replay.kafka.FlowEventDecoder;
import dev.tapwire.replay.kafka.RegistryOutage;
import dev.tapwire.replay.kafka.TopicScanner;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Observes every flow of a raw or replay topic, from its earliest offset up to the end offsets
 * taken at start (so it ends on a busy topic). Flows are gathered whole ({@link FlowAssembler});
 * flows still open at the end are observed with what was read. Records that are not FlowEvents are
 * logged with topic, partition and offset and counted ({@code records_not_flow_events}); a schema
 * registry failure ({@link RegistryOutage}) stops the run with a {@link ReplayException}.
 */
public final class TopicObserver {
  private final TopicScanner scanner;
  private final FlowEventDecoder decoder;

  /**
   * @param consumerProperties Kafka consumer settings ({@code bootstrap.servers} at least)
   * @param deserializer FlowEvent deserializer (Confluent wire format)
   */
  public TopicObserver(
      Map<String, Object> consumerProperties, Deserializer<FlowEvent> deserializer) {
    this.scanner = new TopicScanner(consumerProperties);
    this.decoder = new FlowEventDecoder(deserializer);
  }

  /**
   * Reads {@code topic} and returns what was observed.
   *
   * @throws dev.tapwire.replay.ReplayException if the topic does not exist
   */
  public Observation observe(String topic) {
    Observation observation = new Observation();
    SchemaObserver observer = new SchemaObserver(observation);
    FlowAssembler<FlowEvent> assembler =
        new FlowAssembler<>(first -> true, (flowId, events, complete) -> observer.observe(events));
    scanner.scan(
        topic,
        Optional.empty(),
        Optional.empty(),
        record -> {
          FlowEvent event = decoder.decodeOrNull(record);
          if (event == null) {
            observation.count("records_not_flow_events", 1);
            return;
          }
          assembler.add(event.getFlowId().toString(), event, event);
        },
        n -> {});
    assembler.finish();
    return observation;
  }
}
