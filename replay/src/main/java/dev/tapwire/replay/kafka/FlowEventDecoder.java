package dev.tapwire.replay.kafka;

import dev.tapwire.avro.FlowEvent;
import dev.tapwire.replay.ReplayException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes raw-topic records into FlowEvents for the readers of {@code tapwire.flows.raw} and its
 * replays. The one policy both replay and schema observation follow: a record that is not a
 * FlowEvent (undecodable, or a null value) is logged with its topic, partition and offset and
 * skipped; a schema-registry failure ({@link RegistryOutage}) stops the run, since skipping would
 * silently drop good records.
 */
public final class FlowEventDecoder implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FlowEventDecoder.class);

  private final Deserializer<FlowEvent> deserializer;

  /**
   * @param deserializer FlowEvent deserializer (Confluent wire format)
   */
  public FlowEventDecoder(Deserializer<FlowEvent> deserializer) {
    this.deserializer = deserializer;
  }

  /**
   * Decodes one record.
   *
   * @return the event, or null when the record is not a FlowEvent (already logged)
   * @throws ReplayException when the schema registry cannot be reached; nothing is skipped then
   */
  public FlowEvent decodeOrNull(ConsumerRecord<byte[], byte[]> record) {
    try {
      FlowEvent event = deserializer.deserialize(record.topic(), record.value());
      if (event == null) {
        throw new IllegalArgumentException("null value");
      }
      return event;
    } catch (RuntimeException e) {
      if (RegistryOutage.causedBy(e)) {
        throw new ReplayException(
            "cannot decode "
                + record.topic()
                + "-"
                + record.partition()
                + "@"
                + record.offset()
                + " because of the schema registry; nothing was skipped, rerun when it is back: "
                + e.getMessage(),
            e);
      }
      log.warn(
          "Skipping record {}-{}@{}: not a FlowEvent ({})",
          record.topic(),
          record.partition(),
          record.offset(),
          e.toString());
      return null;
    }
  }

  /** Closes the deserializer. */
  @Override
  public void close() {
    deserializer.close();
  }
}
