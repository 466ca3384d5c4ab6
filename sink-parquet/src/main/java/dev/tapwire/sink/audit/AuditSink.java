package dev.tapwire.sink.audit;

import dev.tapwire.avro.CallRecord;
import dev.tapwire.serde.SchemaRegistryUnavailableException;
import dev.tapwire.sink.deadletter.DeadLetterPublisher;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes call records and upserts them into {@code audit_calls}, at least once delivered and
 * exactly once stored: each polled batch is upserted by call id in one transaction, and the offsets
 * are committed only after the database committed. A crash in between redelivers the batch, which
 * the upsert absorbs.
 *
 * <p>Undecodable records go to the {@link DeadLetterPublisher}. When the database fails, the batch
 * is rolled back, the consumer is sought back to the batch start and the batch is retried after a
 * back-off on a new connection; the sink keeps running. A Kafka failure stops it ({@link
 * #failure()}).
 */
public final class AuditSink implements Runnable {

  private static final Logger log = LoggerFactory.getLogger(AuditSink.class);

  private final AuditDatabase database;
  private final String topic;
  private final Consumer<byte[], byte[]> consumer;
  private final Deserializer<CallRecord> deserializer;
  private final DeadLetterPublisher deadLetters;
  private final Duration pollTimeout;
  private final Duration retryBackoff;
  private final AuditCallUpsert upsert;

  private volatile boolean stopping;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final AtomicLong upserted = new AtomicLong();
  private final AtomicLong deadLettered = new AtomicLong();
  private Connection connection;

  /**
   * @param database migrated by {@link #run()} before consuming
   * @param consumer a byte-array consumer ({@code read_committed}, no auto-commit, {@code
   *     max.poll.records} = the batch size), subscribed, polled and closed by this sink
   */
  public AuditSink(
      AuditDatabase database,
      String topic,
      Consumer<byte[], byte[]> consumer,
      Deserializer<CallRecord> deserializer,
      DeadLetterPublisher deadLetters,
      Duration pollTimeout,
      Duration retryBackoff) {
    this.database = database;
    this.topic = topic;
    this.consumer = consumer;
    this.deserializer = deserializer;
    this.deadLetters = deadLetters;
    this.pollTimeout = pollTimeout;
    this.retryBackoff = retryBackoff;
    this.upsert = new AuditCallUpsert(database.dialect());
  }

  @Override
  public void run() {
    try {
      database.migrate();
      consumer.subscribe(List.of(topic));
      while (!stopping) {
        ConsumerRecords<byte[], byte[]> records;
        try {
          records = consumer.poll(pollTimeout);
        } catch (WakeupException e) {
          continue;
        }
        if (!records.isEmpty()) {
          handle(records);
        }
      }
      log.info("Audit sink stopped cleanly");
    } catch (Throwable e) {
      failure.set(e);
      log.error("Audit sink failed; uncommitted records will be consumed again", e);
    } finally {
      closeConnection();
      try {
        consumer.close();
      } catch (RuntimeException e) {
        log.warn("Closing the audit consumer failed", e);
      }
      try {
        deadLetters.close();
      } catch (RuntimeException e) {
        log.warn("Closing the audit dead-letter publisher failed", e);
      }
      stopped.countDown();
    }
  }

  private void handle(ConsumerRecords<byte[], byte[]> records) {
    List<CallRecord> calls = new ArrayList<>(records.count());
    Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
    Map<TopicPartition, Long> first = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      TopicPartition tp = new TopicPartition(record.topic(), record.partition());
      first.putIfAbsent(tp, record.offset());
      try {
        CallRecord call =
            deserializer.deserialize(record.topic(), record.headers(), record.value());
        if (call == null) {
          throw new IllegalArgumentException("null value (tombstone) on a topic without deletes");
        }
        calls.add(call);
      } catch (RuntimeException e) {
        if (isRegistryUnavailable(e)) {
          log.warn("Schema registry unavailable; retrying the batch", e);
          rewind(first, records);
          return;
        }
        deadLetters.publish(record, "deserialize", e);
        deadLettered.incrementAndGet();
      }
      next.put(tp, new OffsetAndMetadata(record.offset() + 1));
    }
    try {
      if (!calls.isEmpty()) {
        upsert.upsertAndCommit(connection(), calls);
        upserted.addAndGet(calls.size());
      }
    } catch (SQLException | RuntimeException e) {
      log.warn(
          "Audit database failed on a batch of {} calls; retrying after {}",
          calls.size(),
          retryBackoff,
          e);
      closeConnection();
      rewind(first, records);
      return;
    }
    deadLetters.flush();
    try {
      consumer.commitSync(next);
    } catch (WakeupException e) {
      // stop() woke the consumer while it was committing; the wakeup is consumed, commit again
      consumer.commitSync(next);
    }
  }

  private void rewind(Map<TopicPartition, Long> first, ConsumerRecords<byte[], byte[]> records) {
    for (TopicPartition tp : records.partitions()) {
      long from = first.getOrDefault(tp, records.records(tp).get(0).offset());
      consumer.seek(tp, from);
    }
    try {
      Thread.sleep(retryBackoff.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopping = true;
    }
  }

  private Connection connection() throws SQLException {
    if (connection == null) {
      connection = database.connect();
    }
    return connection;
  }

  private void closeConnection() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        log.warn("Closing the audit connection failed", e);
      }
      connection = null;
    }
  }

  private static boolean isRegistryUnavailable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SchemaRegistryUnavailableException) {
        return true;
      }
    }
    return false;
  }

  /** Asks the loop to finish its batch and return. */
  public void stop() {
    stopping = true;
    consumer.wakeup();
  }

  /** Waits until {@link #run()} returned; false on timeout. */
  public boolean awaitStopped(long timeoutMs) throws InterruptedException {
    return stopped.await(timeoutMs, TimeUnit.MILLISECONDS);
  }

  /** The error that stopped the sink, or null. */
  public Throwable failure() {
    return failure.get();
  }

  /** Call records upserted (including redeliveries). */
  public long upserted() {
    return upserted.get();
  }

  /** Records sent to the dead-letter topic. */
  public long deadLettered() {
    return deadLettered.get();
  }
}
