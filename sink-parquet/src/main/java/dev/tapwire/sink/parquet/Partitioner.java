package dev.tapwire.sink.parquet;

/**
 * Chooses the dataset directory of a value (after Confluent's storage-common {@code Partitioner}).
 *
 * @param <V> value type
 */
public interface Partitioner<V> {

  /**
   * The relative directory path of the value's partition, Hive style, e.g. {@code
   * dt=2026-11-21/hour=09}.
   */
  String encodePartition(V value);
}
