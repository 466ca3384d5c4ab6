package dev.tapwire.embedded.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a topic from the beginning with a fresh consumer group until the expected number of records
 * has arrived, then keeps polling for a quiet period so that extra (duplicated or unexpected)
 * records show up in the result instead of going unnoticed.
 */
final class TopicReader {

  private static final Duration QUIET_PERIOD = Duration.ofSeconds(1);

  private TopicReader() {}

  /** A record's key and value. */
  record KeyValue(String key, String value) {}

  static List<KeyValue> read(
      String bootstrapServers,
      String topic,
      String isolationLevel,
      int expected,
      Duration timeout) {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolationLevel);
    List<KeyValue> records = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (records.size() < expected && System.nanoTime() < deadline) {
        poll(consumer, records);
      }
      long quietEnd = System.nanoTime() + QUIET_PERIOD.toNanos();
      while (System.nanoTime() < quietEnd) {
        poll(consumer, records);
      }
    }
    return records;
  }

  private static void poll(KafkaConsumer<String, String> consumer, List<KeyValue> into) {
    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
      into.add(new KeyValue(r.key(), r.value()));
    }
  }
}
