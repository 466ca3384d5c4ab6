package dev.tapwire.sink.parquet;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the records of one Kafka topic partition into a sequence of data files, at most one open
 * at a time, so the files of a topic partition cover disjoint, increasing offset ranges. Rotation
 * follows the {@link RotationPolicy}; wall-clock conditions use the injected {@link Clock}, record
 * time comes from the {@link TimestampExtractor}.
 *
 * <p>Not thread-safe: used by the sink's poll thread only.
 *
 * @param <V> the Kafka value type
 */
public final class PartitionFileWriter<V> {

  private static final Logger log = LoggerFactory.getLogger(PartitionFileWriter.class);

  private final TopicPartition tp;
  private final Partitioner<V> partitioner;
  private final TimestampExtractor<V> timestamps;
  private final RecordWriterProvider<IndexedRecord> provider;
  private final DatasetDirectory directory;
  private final RotationPolicy rotation;
  private final Clock clock;
  private final FaultInjector faults;

  private OpenFile open;

  public PartitionFileWriter(
      TopicPartition tp,
      Partitioner<V> partitioner,
      TimestampExtractor<V> timestamps,
      RecordWriterProvider<IndexedRecord> provider,
      DatasetDirectory directory,
      RotationPolicy rotation,
      Clock clock,
      FaultInjector faults) {
    this.tp = tp;
    this.partitioner = partitioner;
    this.timestamps = timestamps;
    this.provider = provider;
    this.directory = directory;
    this.rotation = rotation;
    this.clock = clock;
    this.faults = faults;
  }

  /**
   * Writes the row of the record at {@code offset}. Publishes the open file first if the record
   * belongs to another dataset partition or lies beyond the file's record-time interval, and
   * publishes the file after the write if it reached the record limit.
   *
   * @param offset Kafka offset of the record; greater than every offset written before
   * @return true if a file was published
   * @throws IOException if writing or publishing fails
   * @throws RowWriteException if the row cannot be written; the open file is deleted then
   */
  public boolean write(long offset, V value, IndexedRecord row) throws IOException {
    String partitionPath = partitioner.encodePartition(value);
    Instant recordTime = timestamps.extract(value);
    boolean published = false;
    if (open != null
        && (!open.partitionPath.equals(partitionPath)
            || !recordTime.isBefore(open.firstRecordTime.plus(rotation.recordTimeInterval())))) {
      published = publish();
    }
    if (open == null) {
      Path temp = directory.newTempFile(partitionPath, tp, offset);
      open =
          new OpenFile(
              provider.open(temp), temp, partitionPath, offset, recordTime, clock.instant());
    }
    try {
      open.writer.write(row);
    } catch (IOException e) {
      abort();
      throw e;
    } catch (RuntimeException e) {
      long start = open.startOffset;
      abort();
      throw new RowWriteException(offset, start, e);
    }
    open.lastOffset = offset;
    open.lastWrite = clock.instant();
    if (open.writer.rowCount() >= rotation.maxRecords()) {
      published |= publish();
    }
    return published;
  }

  /**
   * Publishes the open file if it has been idle for the idle-close time or open for the maximum
   * open time, by the injected clock.
   *
   * @return true if a file was published
   */
  public boolean closeIfDue() throws IOException {
    if (open == null) {
      return false;
    }
    Instant now = clock.instant();
    boolean idle = !now.isBefore(open.lastWrite.plus(rotation.idleClose()));
    boolean old = !now.isBefore(open.openedAt.plus(rotation.maxOpen()));
    return (idle || old) && publish();
  }

  /**
   * Closes, fsyncs and renames the open file to its final name. Does nothing if no file is open.
   *
   * @return true if a file was published
   */
  public boolean publish() throws IOException {
    if (open == null) {
      return false;
    }
    OpenFile file = open;
    open = null;
    try {
      file.writer.close();
    } catch (IOException | RuntimeException e) {
      file.writer.abort();
      throw e;
    }
    faults.reached(CommitStage.FILE_WRITTEN);
    DataFileName name =
        new DataFileName(tp.topic(), tp.partition(), file.startOffset, file.lastOffset);
    Path target = directory.publish(file.temp, name);
    log.debug(
        "Published {} ({} rows, open {})",
        target,
        file.writer.rowCount(),
        Duration.between(file.openedAt, clock.instant()));
    faults.reached(CommitStage.FILE_RENAMED);
    return true;
  }

  /** Deletes the open file without publishing it; its records will be consumed again. */
  public void abort() {
    if (open != null) {
      open.writer.abort();
      open = null;
    }
  }

  /** The start offset of the open file, or empty if none is open. */
  public OptionalLong openStartOffset() {
    return open == null ? OptionalLong.empty() : OptionalLong.of(open.startOffset);
  }

  /** The dataset partition path of the open file, if one is open. */
  public Optional<String> openPartitionPath() {
    return open == null ? Optional.empty() : Optional.of(open.partitionPath);
  }

  /** The topic partition this writer serves. */
  public TopicPartition topicPartition() {
    return tp;
  }

  private static final class OpenFile {
    final RecordWriter<IndexedRecord> writer;
    final Path temp;
    final String partitionPath;
    final long startOffset;
    final Instant firstRecordTime;
    final Instant openedAt;
    long lastOffset;
    Instant lastWrite;

    OpenFile(
        RecordWriter<IndexedRecord> writer,
        Path temp,
        String partitionPath,
        long startOffset,
        Instant firstRecordTime,
        Instant openedAt) {
      this.writer = writer;
      this.temp = temp;
      this.partitionPath = partitionPath;
      this.startOffset = startOffset;
      this.firstRecordTime = firstRecordTime;
      this.openedAt = openedAt;
      this.lastOffset = startOffset;
      this.lastWrite = openedAt;
    }
  }
}
