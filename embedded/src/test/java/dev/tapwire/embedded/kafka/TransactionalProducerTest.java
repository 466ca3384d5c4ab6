package dev.tapwire.embedded.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.embedded.kafka.TopicReader.KeyValue;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Transactions on the single-node broker: aborted records exist but stay invisible. */
class TransactionalProducerTest {

  private static final String TOPIC = "tx.records";

  @TempDir static Path dataDir;

  private static EmbeddedKafkaBroker broker;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = EmbeddedKafkaBroker.builder().dataDir(dataDir).build();
    broker.start();
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get();
    }
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @Test
  void shouldHideAbortedTransactionFromReadCommittedConsumer() {
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                "tx-test-producer"),
            new StringSerializer(),
            new StringSerializer())) {
      producer.initTransactions();

      producer.beginTransaction();
      producer.send(new ProducerRecord<>(TOPIC, "a", "committed-1"));
      producer.commitTransaction();

      producer.beginTransaction();
      producer.send(new ProducerRecord<>(TOPIC, "a", "aborted-1"));
      producer.send(new ProducerRecord<>(TOPIC, "b", "aborted-2"));
      producer.flush();
      producer.abortTransaction();

      producer.beginTransaction();
      producer.send(new ProducerRecord<>(TOPIC, "b", "committed-2"));
      producer.commitTransaction();
    }

    List<KeyValue> committed =
        TopicReader.read(
            broker.bootstrapServers(), TOPIC, "read_committed", 2, Duration.ofSeconds(30));
    List<KeyValue> everything =
        TopicReader.read(
            broker.bootstrapServers(), TOPIC, "read_uncommitted", 4, Duration.ofSeconds(30));

    assertThat(committed)
        .containsExactlyInAnyOrder(
            new KeyValue("a", "committed-1"), new KeyValue("b", "committed-2"));
    assertThat(everything)
        .as("the aborted records were written to the log, only hidden")
        .extracting(KeyValue::value)
        .containsExactlyInAnyOrder("committed-1", "aborted-1", "aborted-2", "committed-2");
  }
}
