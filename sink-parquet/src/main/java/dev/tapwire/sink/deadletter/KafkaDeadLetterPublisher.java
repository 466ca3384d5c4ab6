package dev.tapwire.sink.deadletter;

import dev.tapwire.avro.DeadLetter;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes {@link DeadLetter} records (Avro, {@code dead-letter.avsc}) to a dead-letter topic,
 * keyed by the original key bytes. Logs topic, partition, offset and reason of each record at WARN.
 * Not thread-safe; one per sink thread.
 */
public final class KafkaDeadLetterPublisher implements DeadLetterPublisher {

  private static final Logger log = LoggerFactory.getLogger(KafkaDeadLetterPublisher.class);

  private final Producer<byte[], DeadLetter> producer;
  private final String topic;
  private final String application;
  private final Clock clock;
  private final List<Future<RecordMetadata>> pending = new ArrayList<>();

  /**
   * @param producer producer with a byte-array key serializer and an Avro {@link DeadLetter} value
   *     serializer; closed by {@link #close()}
   * @param topic dead-letter topic, e.g. {@code tapwire.calls.dlq}
   * @param application the component named in each dead letter
   */
  public KafkaDeadLetterPublisher(
      Producer<byte[], DeadLetter> producer, String topic, String application, Clock clock) {
    this.producer = producer;
    this.topic = topic;
    this.application = application;
    this.clock = clock;
  }

  @Override
  public void publish(ConsumerRecord<byte[], byte[]> record, String stage, Throwable error) {
    String reason = error.getMessage() == null ? error.toString() : error.getMessage();
    log.warn(
        "Dead-lettering {}-{}@{} to {} at stage {}: {}",
        record.topic(),
        record.partition(),
        record.offset(),
        topic,
        stage,
        reason);
    DeadLetter letter =
        DeadLetter.newBuilder()
            .setSourceTopic(record.topic())
            .setSourcePartition(record.partition())
            .setSourceOffset(record.offset())
            .setKey(record.key() == null ? null : ByteBuffer.wrap(record.key()))
            .setValue(record.value() == null ? null : ByteBuffer.wrap(record.value()))
            .setStage(stage)
            .setReason(reason)
            .setErrorClass(error.getClass().getName())
            .setApplication(application)
            .setFailedAt(clock.instant())
            .build();
    pending.add(producer.send(new ProducerRecord<>(topic, record.key(), letter)));
  }

  @Override
  public void flush() {
    if (pending.isEmpty()) {
      return;
    }
    producer.flush();
    try {
      for (Future<RecordMetadata> f : pending) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted while waiting for dead letters", e);
    } catch (ExecutionException e) {
      throw new KafkaException("dead letter could not be written to " + topic, e.getCause());
    } finally {
      pending.clear();
    }
  }

  @Override
  public void close() {
    producer.close();
  }
}
