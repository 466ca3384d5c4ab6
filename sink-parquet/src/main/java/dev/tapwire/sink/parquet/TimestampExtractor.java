package dev.tapwire.sink.parquet;

import java.time.Instant;

/**
 * The record time of a value, used for time-based partitioning and rotation (after Confluent's
 * storage-common {@code TimestampExtractor}).
 *
 * @param <V> value type
 */
@FunctionalInterface
public interface TimestampExtractor<V> {

  /** The value's record time; never null. */
  Instant extract(V value);
}
