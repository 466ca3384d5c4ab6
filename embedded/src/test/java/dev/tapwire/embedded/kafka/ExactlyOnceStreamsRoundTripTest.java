package dev.tapwire.embedded.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.embedded.kafka.TopicReader.KeyValue;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Kafka Streams application with {@code processing.guarantee=exactly_once_v2} runs against the
 * embedded broker: Streams' transactional producer and the transaction coordinator only work if the
 * broker's transaction-state settings suit a single node.
 */
class ExactlyOnceStreamsRoundTripTest {

  private static final String INPUT = "eos.input";
  private static final String OUTPUT = "eos.output";
  private static final int RECORDS = 200;

  @TempDir static Path dataDir;
  @TempDir static Path stateDir;

  private static EmbeddedKafkaBroker broker;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = EmbeddedKafkaBroker.builder().dataDir(dataDir).build();
    broker.start();
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      admin
          .createTopics(
              List.of(new NewTopic(INPUT, 3, (short) 1), new NewTopic(OUTPUT, 3, (short) 1)))
          .all()
          .get();
    }
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  /** Upper-cases every value and drops values marked "drop". */
  static Topology upperCaseTopology() {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(INPUT, Consumed.with(Serdes.String(), Serdes.String()).withName("read-input"))
        .filter((key, value) -> !value.startsWith("drop"), Named.as("drop-marked"))
        .mapValues(value -> value.toUpperCase(), Named.as("upper-case"))
        .to(OUTPUT, Produced.with(Serdes.String(), Serdes.String()).withName("write-output"));
    return builder.build();
  }

  @Test
  void shouldDeliverEachTransformedRecordExactlyOnceToReadCommittedConsumer() throws Exception {
    List<KeyValue> expected = new ArrayList<>();
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
            new StringSerializer(),
            new StringSerializer())) {
      for (int i = 0; i < RECORDS; i++) {
        String key = "flow-" + (i % 17);
        String value = (i % 10 == 0 ? "drop-" : "event-") + i;
        producer.send(new ProducerRecord<>(INPUT, key, value));
        if (i % 10 != 0) {
          expected.add(new KeyValue(key, value.toUpperCase()));
        }
      }
      producer.flush();
    }

    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "eos-round-trip");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");

    List<KeyValue> output;
    try (KafkaStreams streams = new KafkaStreams(upperCaseTopology(), props)) {
      streams.start();
      output =
          TopicReader.read(
              broker.bootstrapServers(),
              OUTPUT,
              "read_committed",
              expected.size(),
              Duration.ofSeconds(60));
      assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);
    }

    assertThat(output).containsExactlyInAnyOrderElementsOf(expected);
    for (int k = 0; k < 17; k++) {
      String key = "flow-" + k;
      assertThat(output.stream().filter(r -> r.key().equals(key)).toList())
          .as("per-key order of %s", key)
          .containsExactlyElementsOf(expected.stream().filter(r -> r.key().equals(key)).toList());
    }
    assertThat(IntStream.range(0, RECORDS).filter(i -> i % 10 != 0).count())
        .isEqualTo(output.size());
  }
}
