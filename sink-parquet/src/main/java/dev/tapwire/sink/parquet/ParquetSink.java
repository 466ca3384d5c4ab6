package dev.tapwire.sink.parquet;

import dev.tapwire.serde.SchemaRegistryUnavailableException;
import dev.tapwire.sink.deadletter.DeadLetterPublisher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes one topic and writes one Parquet dataset exactly once, the way Confluent's storage sinks
 * do: rows go to a temporary file per topic partition; a finished file is closed, fsynced and
 * renamed atomically to {@code <topic>+<partition>+<start>+<end>.parquet}; only then are the
 * offsets committed. On start, stray temporary files are deleted and every assigned partition is
 * sought to the highest end offset found in the file names plus one (or to the committed offset if
 * that is further, e.g. after dead-lettered records), so a crash anywhere in between neither
 * doubles nor loses a row. The consumer must use {@code isolation.level=read_committed} and {@code
 * enable.auto.commit=false}.
 *
 * <p>Poison records (undecodable or unconvertible values, rows the Parquet writer rejects) go to
 * the {@link DeadLetterPublisher} and the sink continues; a rejected row costs the open file of its
 * partition, which is consumed again without the record. An unreachable schema registry is
 * transient: the record is retried after the poll timeout. Any other failure (I/O, Kafka) stops the
 * sink: open files are deleted, no offset is committed, and {@link #failure()} holds the cause.
 *
 * <p>{@link #run()} is the poll loop of one thread; {@link #stop()} may be called from any thread.
 *
 * @param <V> the Kafka value type
 */
public final class ParquetSink<V> implements Runnable {

  private static final Logger log = LoggerFactory.getLogger(ParquetSink.class);

  private final Dataset<V> dataset;
  private final ParquetSinkSettings settings;
  private final Consumer<byte[], byte[]> consumer;
  private final Deserializer<V> deserializer;
  private final DeadLetterPublisher deadLetters;
  private final Clock clock;
  private final FaultInjector faults;
  private final DatasetDirectory directory;
  private final RecordWriterProvider<IndexedRecord> provider;
  private final Partitioner<V> partitioner;

  private final Map<TopicPartition, PartitionFileWriter<V>> writers = new HashMap<>();
  private final Map<TopicPartition, Long> nextOffset = new HashMap<>();
  private final Map<TopicPartition, Long> committed = new HashMap<>();
  private final Map<PoisonKey, RuntimeException> poison = new HashMap<>();
  private Map<TopicPartition, Long> resumeFromFiles = Map.of();

  private volatile boolean stopping;
  // set when the loop failed: closing the consumer then must not commit anything (the rebalance
  // listener runs inside consumer.close())
  private volatile boolean failed;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final AtomicLong rows = new AtomicLong();
  private final AtomicLong deadLettered = new AtomicLong();
  private final AtomicLong filesPublished = new AtomicLong();

  /**
   * @param consumer a consumer of raw bytes ({@code read_committed}, no auto-commit) that this sink
   *     subscribes, polls and closes
   * @param deserializer turns value bytes into {@code V}
   * @param faults {@link FaultInjector#NONE} outside tests
   */
  public ParquetSink(
      Dataset<V> dataset,
      ParquetSinkSettings settings,
      Consumer<byte[], byte[]> consumer,
      Deserializer<V> deserializer,
      DeadLetterPublisher deadLetters,
      Clock clock,
      FaultInjector faults) {
    this.dataset = dataset;
    this.settings = settings;
    this.consumer = consumer;
    this.deserializer = deserializer;
    this.deadLetters = deadLetters;
    this.clock = clock;
    this.faults = faults;
    this.directory = new DatasetDirectory(settings.root(), dataset.name(), ".parquet");
    this.provider = ParquetRecordWriterProvider.forDataset(dataset, settings.files());
    this.partitioner = new HourlyPartitioner<>(dataset.timestamps());
  }

  @Override
  public void run() {
    try {
      resumeFromFiles = directory.recover();
      log.info(
          "Dataset {} resumes {} from file names: {}",
          directory.path(),
          settings.topic(),
          resumeFromFiles);
      consumer.subscribe(List.of(settings.topic()), new Rebalance());
      while (!stopping) {
        ConsumerRecords<byte[], byte[]> records;
        try {
          records = consumer.poll(settings.pollTimeout());
        } catch (WakeupException e) {
          continue;
        }
        for (TopicPartition tp : records.partitions()) {
          handle(tp, records.records(tp));
        }
        for (PartitionFileWriter<V> writer : writers.values()) {
          if (writer.closeIfDue()) {
            filesPublished.incrementAndGet();
          }
        }
        commit();
      }
      publishAll(writers.keySet());
      commit();
      log.info("Sink for dataset {} stopped cleanly", dataset.name());
    } catch (Throwable e) {
      failed = true;
      failure.set(e);
      log.error(
          "Sink for dataset {} failed; open files are dropped and their records will be consumed"
              + " again",
          dataset.name(),
          e);
      writers.values().forEach(PartitionFileWriter::abort);
      nextOffset.clear();
    } finally {
      writers.clear();
      closeQuietly();
      stopped.countDown();
    }
  }

  private void handle(TopicPartition tp, List<ConsumerRecord<byte[], byte[]>> records)
      throws IOException {
    PartitionFileWriter<V> writer = writers.computeIfAbsent(tp, this::newWriter);
    for (ConsumerRecord<byte[], byte[]> record : records) {
      V value;
      try {
        value = deserializer.deserialize(record.topic(), record.headers(), record.value());
        if (value == null) {
          throw new IllegalArgumentException("null value (tombstone) on a topic without deletes");
        }
      } catch (RuntimeException e) {
        if (isRegistryUnavailable(e)) {
          log.warn(
              "Schema registry unavailable at {}-{}@{}; retrying",
              tp.topic(),
              tp.partition(),
              record.offset(),
              e);
          consumer.seek(tp, record.offset());
          pauseBeforeRetry();
          return;
        }
        deadLetter(record, "deserialize", e);
        continue;
      }
      RuntimeException unwritable = poison.remove(new PoisonKey(tp, record.offset()));
      if (unwritable != null) {
        deadLetter(record, "write", unwritable);
        continue;
      }
      IndexedRecord row;
      try {
        row = dataset.toRow(value);
        partitioner.encodePartition(value);
      } catch (RuntimeException e) {
        deadLetter(record, "convert", e);
        continue;
      }
      try {
        if (writer.write(record.offset(), value, row)) {
          filesPublished.incrementAndGet();
        }
      } catch (RowWriteException e) {
        // the open file is gone: consume it again from its start and dead-letter this record
        log.warn(
            "Row of {}-{}@{} cannot be written; re-consuming from {} to dead-letter it",
            tp.topic(),
            tp.partition(),
            record.offset(),
            e.fileStartOffset(),
            e);
        poison.put(new PoisonKey(tp, record.offset()), (RuntimeException) e.getCause());
        nextOffset.put(tp, e.fileStartOffset());
        consumer.seek(tp, e.fileStartOffset());
        return;
      }
      rows.incrementAndGet();
      nextOffset.put(tp, record.offset() + 1);
    }
  }

  private void pauseBeforeRetry() {
    try {
      Thread.sleep(settings.pollTimeout().toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopping = true;
    }
  }

  private void deadLetter(ConsumerRecord<byte[], byte[]> record, String stage, Exception e) {
    deadLetters.publish(record, stage, e);
    deadLettered.incrementAndGet();
    nextOffset.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
  }

  private static boolean isRegistryUnavailable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SchemaRegistryUnavailableException) {
        return true;
      }
    }
    return false;
  }

  private PartitionFileWriter<V> newWriter(TopicPartition tp) {
    return new PartitionFileWriter<>(
        tp,
        partitioner,
        dataset.timestamps(),
        provider,
        directory,
        settings.rotation(),
        clock,
        faults);
  }

  /** Commits, per partition, the first offset not yet in a published file or dead-lettered. */
  private void commit() {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    nextOffset.forEach(
        (tp, next) -> {
          PartitionFileWriter<V> writer = writers.get(tp);
          long safe = writer == null ? next : writer.openStartOffset().orElse(next);
          if (!committed.containsKey(tp) || committed.get(tp) < safe) {
            offsets.put(tp, new OffsetAndMetadata(safe));
          }
        });
    if (offsets.isEmpty()) {
      return;
    }
    deadLetters.flush();
    try {
      consumer.commitSync(offsets);
    } catch (WakeupException e) {
      // stop() woke the consumer while it was committing; the wakeup is consumed, commit again
      consumer.commitSync(offsets);
    }
    offsets.forEach((tp, o) -> committed.put(tp, o.offset()));
  }

  private void publishAll(Collection<TopicPartition> partitions) throws IOException {
    for (TopicPartition tp : partitions) {
      PartitionFileWriter<V> writer = writers.get(tp);
      if (writer != null && writer.publish()) {
        filesPublished.incrementAndGet();
      }
    }
  }

  private void closeQuietly() {
    try {
      consumer.close();
    } catch (RuntimeException e) {
      log.warn("Closing the consumer of dataset {} failed", dataset.name(), e);
    }
    try {
      deadLetters.close();
    } catch (RuntimeException e) {
      log.warn("Closing the dead-letter publisher of dataset {} failed", dataset.name(), e);
    }
  }

  /** Asks the poll loop to publish its open files, commit and return. */
  public void stop() {
    stopping = true;
    consumer.wakeup();
  }

  /**
   * Waits until {@link #run()} returned.
   *
   * @return false if it did not within {@code timeoutMs} milliseconds
   */
  public boolean awaitStopped(long timeoutMs) throws InterruptedException {
    return stopped.await(timeoutMs, java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  /** The error that stopped the sink, or null while it runs or after a clean stop. */
  public Throwable failure() {
    return failure.get();
  }

  /** Rows written (including rows of files not yet published). */
  public long rowsWritten() {
    return rows.get();
  }

  /** Records sent to the dead-letter topic. */
  public long deadLettered() {
    return deadLettered.get();
  }

  /** Files published. */
  public long filesPublished() {
    return filesPublished.get();
  }

  private record PoisonKey(TopicPartition tp, long offset) {}

  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (failed) {
        forget(partitions);
        return;
      }
      try {
        publishAll(partitions);
        commit();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot publish files of revoked partitions", e);
      }
      forget(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      partitions.forEach(
          tp -> {
            PartitionFileWriter<V> writer = writers.get(tp);
            if (writer != null) {
              writer.abort();
            }
          });
      forget(partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      // the seeks below are what makes resuming exact, so a pending wakeup must not skip them
      Map<TopicPartition, OffsetAndMetadata> kafka;
      try {
        kafka = consumer.committed(Set.copyOf(partitions));
      } catch (WakeupException e) {
        kafka = consumer.committed(Set.copyOf(partitions));
      }
      for (TopicPartition tp : partitions) {
        Long fromFiles = resumeFromFiles.get(tp);
        OffsetAndMetadata fromKafka = kafka.get(tp);
        if (fromFiles != null && (fromKafka == null || fromKafka.offset() < fromFiles)) {
          log.info("Seeking {} to {} from file names (committed: {})", tp, fromFiles, fromKafka);
          consumer.seek(tp, fromFiles);
        }
        if (fromKafka != null) {
          committed.put(tp, fromKafka.offset());
        }
      }
    }

    private void forget(Collection<TopicPartition> partitions) {
      poison.keySet().removeIf(k -> partitions.contains(k.tp()));
      for (TopicPartition tp : partitions) {
        writers.remove(tp);
        nextOffset.remove(tp);
        committed.remove(tp);
      }
    }
  }
}
