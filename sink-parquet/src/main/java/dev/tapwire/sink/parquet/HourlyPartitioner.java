package dev.tapwire.sink.parquet;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Time-based Hive partitioning by UTC day and hour of the record time: {@code
 * dt=YYYY-MM-DD/hour=HH} (after Confluent's {@code TimeBasedPartitioner} with {@code
 * partition.duration.ms = 1 h}). DuckDB's {@code hive_partitioning=true} exposes {@code dt} and
 * {@code hour} as columns.
 *
 * @param <V> value type
 */
public final class HourlyPartitioner<V> implements Partitioner<V> {

  private static final DateTimeFormatter PATH =
      DateTimeFormatter.ofPattern("'dt='yyyy-MM-dd'/hour='HH").withZone(ZoneOffset.UTC);

  private final TimestampExtractor<V> timestamps;

  public HourlyPartitioner(TimestampExtractor<V> timestamps) {
    this.timestamps = timestamps;
  }

  @Override
  public String encodePartition(V value) {
    return PATH.format(timestamps.extract(value));
  }
}
