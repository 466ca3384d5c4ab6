package dev.tapwire.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import dev.tapwire.serde.RestSchemaRegistryClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaExtension.class)
class KafkaExtensionTest {

  private static KafkaEnvironment fromBeforeAll;
  private final KafkaEnvironment fromConstructor;

  KafkaExtensionTest(KafkaEnvironment env) {
    this.fromConstructor = env;
  }

  @BeforeAll
  static void captureEnvironment(KafkaEnvironment env) {
    fromBeforeAll = env;
  }

  @Test
  void shouldInjectTheSameEnvironmentIntoConstructorBeforeAllAndTestMethod(KafkaEnvironment env) {
    assertThat(env).isSameAs(fromBeforeAll).isSameAs(fromConstructor);
    SharedEnvironmentWitness.record(env);
  }

  @Test
  void shouldDeliverCommittedRecordsThroughInjectedBroker(KafkaEnvironment env) {
    String topic = env.uniqueName("testkit.records");
    env.createTopic(topic, 2);

    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            env.producerProperties(), new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(topic, "k1", "hello")).get();
      producer.send(new ProducerRecord<>(topic, "k2", "world")).get();
    } catch (Exception e) {
      throw new AssertionError(e);
    }

    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            env.consumerProperties(env.uniqueName("group")),
            new StringDeserializer(),
            new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      for (int i = 0; i < 300 && values.size() < 2; i++) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
          values.add(r.value());
        }
      }
    }
    assertThat(values).containsExactlyInAnyOrder("hello", "world");
  }

  @Test
  void shouldAcceptRepeatedCreateTopicButRejectDifferentPartitionCount(KafkaEnvironment env)
      throws Exception {
    String topic = env.uniqueName("testkit.idempotent");
    env.createTopic(topic, 3);
    env.createTopic(topic, 3);

    assertThat(env.admin().describeTopics(List.of(topic)).allTopicNames().get().get(topic))
        .satisfies(d -> assertThat(d.partitions()).hasSize(3));
    assertThatIllegalStateException()
        .isThrownBy(() -> env.createTopic(topic, 5))
        .withMessageContaining(topic)
        .withMessageContaining("3 partitions");
  }

  @Test
  void shouldServeSchemaRegistryThatRegistersAndReturnsSchemas(KafkaEnvironment env) {
    Schema schema =
        SchemaBuilder.record("Probe")
            .namespace("dev.tapwire.testkit")
            .fields()
            .requiredString("name")
            .endRecord();
    RestSchemaRegistryClient client = env.schemaRegistryClient();
    String subject = env.uniqueName("testkit.probe") + "-value";

    int id = client.register(subject, schema);

    assertThat(env.schemaRegistryUrl()).startsWith("http://");
    assertThat(env.schemaRegistryClient().getById(id)).isEqualTo(schema);
    assertThat(client.subjects()).contains(subject);
  }

  @Test
  void shouldGiveReadCommittedConsumerAndIsolatedStreamsSettings(KafkaEnvironment env) {
    assertThat(env.consumerProperties("g1"))
        .containsEntry("isolation.level", "read_committed")
        .containsEntry("group.id", "g1")
        .containsEntry("bootstrap.servers", env.bootstrapServers());
    assertThat(env.streamsProperties("app-a"))
        .containsEntry("processing.guarantee", "exactly_once_v2")
        .containsEntry("application.id", "app-a");
    assertThat(env.streamsProperties("app-a").get("state.dir"))
        .isNotEqualTo(env.streamsProperties("app-a").get("state.dir"));
  }
}
