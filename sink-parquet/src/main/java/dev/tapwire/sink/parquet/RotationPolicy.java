package dev.tapwire.sink.parquet;

import java.time.Duration;

/**
 * When an open data file is closed and published. A file is closed when it reaches {@code
 * maxRecords}; when the next record's time is {@code recordTimeInterval} or more after the file's
 * first record time (Confluent's {@code rotate.interval.ms}); when the next record belongs to
 * another dataset partition; when nothing was written to it for {@code idleClose} (wall clock); and
 * when it has been open for {@code maxOpen} (wall clock, Confluent's {@code
 * rotate.schedule.interval.ms}).
 *
 * @param maxRecords rows per file, at least 1
 * @param recordTimeInterval span of record time per file
 * @param idleClose wall-clock time without writes after which a file is closed
 * @param maxOpen wall-clock time after which a file is closed even if it still receives rows
 */
public record RotationPolicy(
    long maxRecords, Duration recordTimeInterval, Duration idleClose, Duration maxOpen) {

  public RotationPolicy {
    if (maxRecords < 1
        || recordTimeInterval.isNegative()
        || recordTimeInterval.isZero()
        || idleClose.isNegative()
        || idleClose.isZero()
        || maxOpen.isNegative()
        || maxOpen.isZero()) {
      throw new IllegalArgumentException("invalid rotation policy: " + this);
    }
  }
}
