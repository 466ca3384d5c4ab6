package dev.tapwire.replay.kafka;

import dev.tapwire.replay.ReplayException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a bounded slice of a topic, every partition, without a consumer group (manual assignment,
 * nothing committed), {@code read_committed}: from the earliest offset, or from the first offset
 * whose record timestamp is at or after a start time ({@code offsetsForTimes}), up to the end
 * offsets captured when the scan starts, or (per partition) up to the first record whose timestamp
 * is after an optional stop time, whichever comes first. Records produced after the scan started
 * are not read, so the scan ends even on a busy topic.
 */
public final class TopicScanner {
  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);

  private final Map<String, Object> consumerProperties;

  /**
   * @param consumerProperties Kafka consumer settings ({@code bootstrap.servers} at least); group,
   *     deserializer, auto-commit and isolation settings are overridden
   */
  public TopicScanner(Map<String, Object> consumerProperties) {
    this.consumerProperties = new HashMap<>(consumerProperties);
    this.consumerProperties.remove(ConsumerConfig.GROUP_ID_CONFIG);
    this.consumerProperties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    this.consumerProperties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    this.consumerProperties.put(
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    this.consumerProperties.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
  }

  /**
   * Scans {@code topic}.
   *
   * @param topic the topic
   * @param startTime empty to start at the earliest offset, else the record timestamp to seek to
   * @param stopAfter empty to read up to the end offsets, else stop a partition at its first record
   *     with a timestamp after this instant
   * @param records receives every record read, in offset order per partition
   * @param batches told the number of records of every poll (for progress)
   * @throws ReplayException if the topic does not exist
   */
  public void scan(
      String topic,
      Optional<Instant> startTime,
      Optional<Instant> stopAfter,
      Consumer<ConsumerRecord<byte[], byte[]>> records,
      java.util.function.LongConsumer batches) {
    scan(topic, startTime, stopAfter, records, batches, planned -> {});
  }

  /**
   * Like {@link #scan(String, Optional, Optional, Consumer, java.util.function.LongConsumer)};
   * {@code planned} is told once, before reading, how many offsets lie between the start and end
   * offsets (an upper bound of the records read: transaction markers and the stop time lower it).
   */
  public void scan(
      String topic,
      Optional<Instant> startTime,
      Optional<Instant> stopAfter,
      Consumer<ConsumerRecord<byte[], byte[]>> records,
      java.util.function.LongConsumer batches,
      java.util.function.LongConsumer planned) {
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties)) {
      List<TopicPartition> partitions = partitions(consumer, topic);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, METADATA_TIMEOUT);
      Map<TopicPartition, Long> start = startOffsets(consumer, partitions, startTime, end);
      Set<TopicPartition> active = new HashSet<>();
      long total = 0;
      for (TopicPartition tp : partitions) {
        if (start.get(tp) < end.get(tp)) {
          active.add(tp);
          total += end.get(tp) - start.get(tp);
        }
      }
      planned.accept(total);
      consumer.assign(active);
      for (TopicPartition tp : active) {
        consumer.seek(tp, start.get(tp));
      }
      long stopMillis = stopAfter.map(Instant::toEpochMilli).orElse(Long.MAX_VALUE);
      while (!active.isEmpty()) {
        ConsumerRecords<byte[], byte[]> polled = consumer.poll(POLL);
        batches.accept(polled.count());
        Set<TopicPartition> done = new HashSet<>();
        for (TopicPartition tp : polled.partitions()) {
          if (!active.contains(tp)) {
            continue;
          }
          for (ConsumerRecord<byte[], byte[]> record : polled.records(tp)) {
            if (record.offset() >= end.get(tp) || record.timestamp() > stopMillis) {
              done.add(tp);
              break;
            }
            records.accept(record);
          }
        }
        for (TopicPartition tp : active) {
          if (consumer.position(tp) >= end.get(tp)) {
            done.add(tp);
          }
        }
        if (!done.isEmpty()) {
          active.removeAll(done);
          consumer.pause(done);
        }
      }
    }
  }

  /** The number of partitions of {@code topic}, or empty when it does not exist. */
  public Optional<Integer> partitionCount(String topic) {
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties)) {
      List<PartitionInfo> infos = consumer.listTopics(METADATA_TIMEOUT).get(topic);
      return infos == null ? Optional.empty() : Optional.of(infos.size());
    }
  }

  private static List<TopicPartition> partitions(
      KafkaConsumer<byte[], byte[]> consumer, String topic) {
    List<PartitionInfo> infos = consumer.listTopics(METADATA_TIMEOUT).get(topic);
    if (infos == null || infos.isEmpty()) {
      throw new ReplayException("topic " + topic + " does not exist");
    }
    List<TopicPartition> partitions = new ArrayList<>();
    for (PartitionInfo info : infos) {
      partitions.add(new TopicPartition(topic, info.partition()));
    }
    return partitions;
  }

  private static Map<TopicPartition, Long> startOffsets(
      KafkaConsumer<byte[], byte[]> consumer,
      List<TopicPartition> partitions,
      Optional<Instant> startTime,
      Map<TopicPartition, Long> end) {
    if (startTime.isEmpty()) {
      return consumer.beginningOffsets(partitions, METADATA_TIMEOUT);
    }
    Map<TopicPartition, Long> query = new HashMap<>();
    for (TopicPartition tp : partitions) {
      query.put(tp, Math.max(0, startTime.get().toEpochMilli()));
    }
    Map<TopicPartition, OffsetAndTimestamp> found =
        consumer.offsetsForTimes(query, METADATA_TIMEOUT);
    Map<TopicPartition, Long> start = new HashMap<>();
    for (TopicPartition tp : partitions) {
      OffsetAndTimestamp at = found.get(tp);
      // No record at or after the start time: nothing to read in this partition.
      start.put(tp, at == null ? end.get(tp) : at.offset());
    }
    return start;
  }
}
