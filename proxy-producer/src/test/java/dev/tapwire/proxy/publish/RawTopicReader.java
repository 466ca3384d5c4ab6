package dev.tapwire.proxy.publish;

import dev.tapwire.avro.FlowEvent;
import dev.tapwire.serde.AvroSerdes;
import dev.tapwire.serde.SchemaRegistryClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads a raw flow topic from the beginning with a read_committed consumer, for assertions. */
public final class RawTopicReader {
  private RawTopicReader() {}

  /** One consumed record: partition, key and the decoded event. */
  public record Consumed(int partition, String key, FlowEvent event) {}

  /**
   * Reads every partition of {@code topic} from offset 0 until {@code expected} records were read
   * and then for a further quiet period of {@code settle} (to catch duplicates), or until {@code
   * timeout} passes.
   */
  public static List<Consumed> readAll(
      String bootstrapServers,
      SchemaRegistryClient registry,
      String topic,
      int expected,
      Duration settle,
      Duration timeout) {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024);
    List<Consumed> out = new ArrayList<>();
    try (KafkaConsumer<String, FlowEvent> consumer =
        new KafkaConsumer<>(
            props,
            new StringDeserializer(),
            AvroSerdes.specific(FlowEvent.class, registry, false).deserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      consumer
          .partitionsFor(topic)
          .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Instant deadline = Instant.now().plus(timeout);
      Instant quietUntil = null;
      while (Instant.now().isBefore(deadline)) {
        for (ConsumerRecord<String, FlowEvent> r : consumer.poll(Duration.ofMillis(100))) {
          out.add(new Consumed(r.partition(), r.key(), r.value()));
        }
        if (out.size() >= expected) {
          if (quietUntil == null) {
            quietUntil = Instant.now().plus(settle);
          } else if (Instant.now().isAfter(quietUntil)) {
            break;
          }
        }
      }
    }
    return out;
  }

  /**
   * Reads every record of {@code topic} as raw bytes (key, value and header values concatenated per
   * record), from offset 0 until nothing new arrives for {@code settle}.
   */
  public static List<byte[]> readRaw(String bootstrapServers, String topic, Duration settle) {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    List<byte[]> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            props,
            new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
            new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      consumer
          .partitionsFor(topic)
          .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Instant quietUntil = Instant.now().plus(settle);
      while (Instant.now().isBefore(quietUntil)) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
          all.writeBytes(r.key() == null ? new byte[0] : r.key());
          all.writeBytes(r.value() == null ? new byte[0] : r.value());
          r.headers().forEach(h -> all.writeBytes(h.value() == null ? new byte[0] : h.value()));
          out.add(all.toByteArray());
          quietUntil = Instant.now().plus(settle);
        }
      }
    }
    return out;
  }

  /** Groups consumed events by flow id, each list in consumption order. */
  public static Map<UUID, List<Consumed>> byFlow(List<Consumed> records) {
    Map<UUID, List<Consumed>> flows = new LinkedHashMap<>();
    for (Consumed c : records) {
      flows.computeIfAbsent(c.event().getFlowId(), k -> new ArrayList<>()).add(c);
    }
    return flows;
  }
}
