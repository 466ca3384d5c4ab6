package dev.tapwire.sink.parquet;

import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.IndexedRecord;

/**
 * One Parquet dataset: its directory name under the sink root, its row schema, how a topic value
 * becomes a row, and the record time that partitions it.
 *
 * @param <V> the Kafka value type
 */
public interface Dataset<V> {

  /** Directory name under the sink root, e.g. {@code calls}. */
  String name();

  /** Avro schema of the rows; the Parquet schema is derived from it. */
  Schema rowSchema();

  /** Data model that converts the rows' logical types. */
  GenericData dataModel();

  /** Key-value metadata written into every file footer. */
  default Map<String, String> fileMetadata() {
    return Map.of();
  }

  /** Record time, UTC. */
  TimestampExtractor<V> timestamps();

  /**
   * Converts a value into a row of {@link #rowSchema()}.
   *
   * @throws IllegalArgumentException if the value cannot be represented (the record goes to the
   *     dead-letter topic)
   */
  IndexedRecord toRow(V value);
}
