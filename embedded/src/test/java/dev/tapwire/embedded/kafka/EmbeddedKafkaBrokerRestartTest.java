package dev.tapwire.embedded.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaBrokerRestartTest {

  private static final String TOPIC = "restart.records";
  private static final int RECORDS = 50;

  @TempDir Path dataDir;

  @Test
  void shouldKeepTopicAndRecordsWhenRestartedOnSameDataDir() throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDir(dataDir).build()) {
      broker.start();
      try (Admin admin = admin(broker)) {
        admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get();
      }
      try (KafkaProducer<String, String> producer = producer(broker)) {
        for (int i = 0; i < RECORDS; i++) {
          producer.send(new ProducerRecord<>(TOPIC, "key-" + i, "value-" + i)).get();
        }
      }
    }

    assertThat(dataDir.resolve(".kafka_cleanshutdown"))
        .as("Kafka's clean-shutdown marker, so the restart skips log recovery")
        .exists();

    try (EmbeddedKafkaBroker restarted = EmbeddedKafkaBroker.builder().dataDir(dataDir).build()) {
      restarted.start();
      try (Admin admin = admin(restarted)) {
        assertThat(admin.listTopics().names().get()).contains(TOPIC);
        assertThat(
                admin.describeTopics(Set.of(TOPIC)).allTopicNames().get().get(TOPIC).partitions())
            .hasSize(2);
      }
      List<String> values = consumeAll(restarted, RECORDS);
      assertThat(values)
          .containsExactlyInAnyOrderElementsOf(
              java.util.stream.IntStream.range(0, RECORDS).mapToObj(i -> "value-" + i).toList());
    }
  }

  @Test
  void shouldBeIdempotentOnCloseAndRefuseUseAfterClose() {
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDir(dataDir).build();
    broker.start();
    assertThat(broker.bootstrapServers()).matches("127\\.0\\.0\\.1:\\d+");
    broker.close();
    broker.close();
    org.assertj.core.api.Assertions.assertThatIllegalStateException()
        .isThrownBy(broker::bootstrapServers);
    org.assertj.core.api.Assertions.assertThatIllegalStateException().isThrownBy(broker::start);
  }

  private static List<String> consumeAll(EmbeddedKafkaBroker broker, int expected) {
    Map<String, Object> props =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG, "restart-reader",
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(TOPIC));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (values.size() < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          values.add(r.value());
        }
      }
    }
    return values;
  }

  private static Admin admin(EmbeddedKafkaBroker broker) {
    return Admin.create(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
  }

  private static KafkaProducer<String, String> producer(EmbeddedKafkaBroker broker) {
    return new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
        new StringSerializer(),
        new StringSerializer());
  }
}
