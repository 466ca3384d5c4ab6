package dev.tapwire.sink.deadletter;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Where the sink sends records it cannot convert, with the reason and their source topic, partition
 * and offset, so the sink keeps running and nothing is silently dropped.
 */
public interface DeadLetterPublisher extends AutoCloseable {

  /**
   * Sends {@code record} (its original key and value bytes) to the dead-letter topic,
   * asynchronously.
   *
   * @param stage where it failed: {@code deserialize} or {@code convert}
   * @param error why
   */
  void publish(ConsumerRecord<byte[], byte[]> record, String stage, Throwable error);

  /**
   * Waits until every record published so far is acknowledged.
   *
   * @throws org.apache.kafka.common.KafkaException if one could not be written; the caller must not
   *     commit the source offsets then
   */
  void flush();

  @Override
  void close();
}
