package dev.tapwire.sink.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tapwire.avro.CallRecord;
import dev.tapwire.avro.DeadLetter;
import dev.tapwire.serde.AvroSerdes;
import dev.tapwire.sink.DuckDb;
import dev.tapwire.sink.TestCalls;
import dev.tapwire.sink.deadletter.KafkaDeadLetterPublisher;
import dev.tapwire.testkit.KafkaEnvironment;
import dev.tapwire.testkit.KafkaExtension;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@link ParquetSink} on the real embedded broker. */
@ExtendWith(KafkaExtension.class)
class ParquetSinkTest {

  static final Instant T0 = Instant.parse("2026-11-21T08:30:00Z");

  @TempDir Path root;

  /** The calls dataset, except that the row of one call id lacks its required proxy_id. */
  static final class OneUnwritableRow implements Dataset<CallRecord> {
    final CallsDataset calls = new CallsDataset();
    final UUID poisoned;

    OneUnwritableRow(UUID poisoned) {
      this.poisoned = poisoned;
    }

    @Override
    public String name() {
      return calls.name();
    }

    @Override
    public Schema rowSchema() {
      return calls.rowSchema();
    }

    @Override
    public GenericData dataModel() {
      return calls.dataModel();
    }

    @Override
    public TimestampExtractor<CallRecord> timestamps() {
      return calls.timestamps();
    }

    @Override
    public IndexedRecord toRow(CallRecord value) {
      if (!value.getCallId().equals(poisoned)) {
        return value;
      }
      CallRecord copy = CallRecord.newBuilder(value).build();
      copy.put(1, null); // proxy_id is required
      return copy;
    }
  }

  @Test
  void shouldDeadLetterARowParquetRejectsAndKeepEveryOtherRowOnce(KafkaEnvironment env)
      throws Exception {
    String topic = env.uniqueName("calls");
    String dlq = env.uniqueName("calls-dlq");
    env.createTopic(topic, 1);
    env.createTopic(dlq, 1);
    List<CallRecord> sent = new ArrayList<>();
    try (KafkaProducer<String, CallRecord> producer =
        new KafkaProducer<>(
            env.producerProperties(),
            new StringSerializer(),
            AvroSerdes.specific(CallRecord.class, env.schemaRegistryClient(), false)
                .serializer())) {
      for (int i = 0; i < 10; i++) {
        CallRecord call = TestCalls.call(i, T0.plusSeconds(i));
        producer.send(new ProducerRecord<>(topic, call.getCallId().toString(), call));
        sent.add(call);
      }
    }
    Map<String, Object> consumerProps = env.consumerProperties(env.uniqueName("sink"));
    consumerProps.put("enable.auto.commit", false);
    ParquetSink<CallRecord> sink =
        new ParquetSink<>(
            new OneUnwritableRow(sent.get(4).getCallId()),
            new ParquetSinkSettings(
                root,
                topic,
                new RotationPolicy(
                    1_000, Duration.ofHours(1), Duration.ofMillis(200), Duration.ofMinutes(1)),
                ParquetFileSettings.DEFAULT,
                Duration.ofMillis(100)),
            new KafkaConsumer<>(
                consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer()),
            AvroSerdes.specific(CallRecord.class, env.schemaRegistryClient(), false).deserializer(),
            new KafkaDeadLetterPublisher(
                new KafkaProducer<>(
                    env.producerProperties(),
                    new ByteArraySerializer(),
                    AvroSerdes.specific(DeadLetter.class, env.schemaRegistryClient(), false)
                        .serializer()),
                dlq,
                "test",
                Clock.systemUTC()),
            Clock.systemUTC(),
            FaultInjector.NONE);
    Thread thread = new Thread(sink, "parquet-sink-test");
    thread.start();
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> sink.filesPublished() >= 1 && sink.deadLettered() == 1);
    } finally {
      sink.stop();
      assertThat(sink.awaitStopped(30_000)).isTrue();
    }
    assertThat(sink.failure()).isNull();
    List<Object> row =
        DuckDb.query(
                "SELECT count(*), count(DISTINCT call_id), count(*) FILTER (call_id = '"
                    + sent.get(4).getCallId()
                    + "') FROM "
                    + DuckDb.scan(root.resolve("calls")))
            .get(0);
    assertThat(row).containsExactly(9L, 9L, 0L);

    try (KafkaConsumer<String, DeadLetter> consumer =
        new KafkaConsumer<>(
            env.consumerProperties(env.uniqueName("dlq-reader")),
            new StringDeserializer(),
            AvroSerdes.specific(DeadLetter.class, env.schemaRegistryClient(), false)
                .deserializer())) {
      consumer.subscribe(List.of(dlq));
      List<DeadLetter> letters = new ArrayList<>();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                for (ConsumerRecord<String, DeadLetter> r : consumer.poll(Duration.ofMillis(200))) {
                  letters.add(r.value());
                }
                return !letters.isEmpty();
              });
      assertThat(letters).hasSize(1);
      assertThat(letters.get(0).getSourceOffset()).isEqualTo(4L);
      assertThat(letters.get(0).getStage()).isEqualTo("write");
      assertThat(letters.get(0).getReason()).contains("proxy_id");
    }
  }
}
