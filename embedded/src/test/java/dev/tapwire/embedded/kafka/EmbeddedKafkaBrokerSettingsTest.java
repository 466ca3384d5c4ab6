package dev.tapwire.embedded.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaBrokerSettingsTest {

  @TempDir Path dataDir;

  @Test
  void shouldReportSingleNodeExactlyOnceSettingsAndNoTopicAutoCreation() throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDir(dataDir).build()) {
      broker.start();
      Config config = brokerConfig(broker);

      assertThat(config.get("transaction.state.log.replication.factor").value()).isEqualTo("1");
      assertThat(config.get("transaction.state.log.min.isr").value()).isEqualTo("1");
      assertThat(config.get("offsets.topic.replication.factor").value()).isEqualTo("1");
      assertThat(config.get("group.initial.rebalance.delay.ms").value()).isEqualTo("0");
      assertThat(config.get("auto.create.topics.enable").value()).isEqualTo("false");
      assertThat(config.get("listeners").value())
          .contains("PLAINTEXT://127.0.0.1:" + broker.port())
          .contains("CONTROLLER://127.0.0.1:");

      try (KafkaProducer<String, String> producer = producer(broker)) {
        assertThatThrownBy(() -> producer.send(new ProducerRecord<>("not.created", "v")).get())
            .isInstanceOfAny(TimeoutException.class, ExecutionException.class)
            .hasMessageContaining("not.created");
      }
    }
  }

  @Test
  void shouldApplyPropertyOverrides() throws Exception {
    try (EmbeddedKafkaBroker broker =
        EmbeddedKafkaBroker.builder()
            .dataDir(dataDir)
            .properties(Map.of("auto.create.topics.enable", "true", "num.partitions", "3"))
            .build()) {
      broker.start();

      try (KafkaProducer<String, String> producer = producer(broker)) {
        producer.send(new ProducerRecord<>("auto.created", "v")).get();
      }
      try (Admin admin = admin(broker)) {
        assertThat(
                admin
                    .describeTopics(List.of("auto.created"))
                    .allTopicNames()
                    .get()
                    .get("auto.created")
                    .partitions())
            .hasSize(3);
      }
    }
  }

  private static Config brokerConfig(EmbeddedKafkaBroker broker) throws Exception {
    ConfigResource resource =
        new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(BrokerSettings.NODE_ID));
    try (Admin admin = admin(broker)) {
      return admin.describeConfigs(List.of(resource)).all().get().get(resource);
    }
  }

  private static Admin admin(EmbeddedKafkaBroker broker) {
    return Admin.create(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
  }

  private static KafkaProducer<String, String> producer(EmbeddedKafkaBroker broker) {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            broker.bootstrapServers(),
            ProducerConfig.MAX_BLOCK_MS_CONFIG,
            3_000),
        new StringSerializer(),
        new StringSerializer());
  }
}
