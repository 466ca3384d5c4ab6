package dev.tapwire.sink.bench;

import dev.tapwire.avro.CallRecord;
import dev.tapwire.embedded.kafka.EmbeddedKafkaBroker;
import dev.tapwire.embedded.registry.EmbeddedSchemaRegistry;
import dev.tapwire.serde.AvroSerdes;
import dev.tapwire.sink.SinkConfig;
import dev.tapwire.sink.SinkService;
import dev.tapwire.sink.TestCalls;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Prints end-to-end rows/s of the sink service on an in-process KRaft broker and schema registry
 * (loopback): call records are produced first, then the service (calls dataset and, optionally, the
 * SQLite audit table) is started and timed until its consumer groups have committed the end of the
 * topic.
 *
 * <p>Arguments: {@code [rows=200000] [partitions=2] [audit=true]}.
 */
public final class KafkaSinkBenchmark {

  private KafkaSinkBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int partitions = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    boolean audit = args.length <= 2 || Boolean.parseBoolean(args[2]);
    Path dir = Files.createTempDirectory("tapwire-kafka-bench");
    try (EmbeddedKafkaBroker broker =
        EmbeddedKafkaBroker.builder().dataDir(dir.resolve("kafka")).port(0).build()) {
      broker.start();
      try (EmbeddedSchemaRegistry registry =
          new EmbeddedSchemaRegistry(
              broker.bootstrapServers(), new InetSocketAddress("127.0.0.1", 0))) {
        registry.start();
        run(broker.bootstrapServers(), registry.url(), dir, rows, partitions, audit);
      }
    }
    System.exit(0);
  }

  static void run(
      String bootstrap, String registryUrl, Path dir, int rows, int partitions, boolean audit)
      throws Exception {
    String topic = "bench.calls";
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
    }
    Map<String, Object> producerProps = new HashMap<>();
    producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    producerProps.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    producerProps.put("schema.registry.url", registryUrl);
    Instant t0 = Instant.parse("2026-10-01T00:00:00Z");
    long p0 = System.nanoTime();
    try (KafkaProducer<String, CallRecord> producer =
        new KafkaProducer<>(
            producerProps,
            new StringSerializer(),
            AvroSerdes.specific(CallRecord.class, producerProps, false).serializer())) {
      for (int i = 0; i < rows; i++) {
        CallRecord call = TestCalls.call(i, t0.plusMillis(i * 250L));
        producer.send(new ProducerRecord<>(topic, call.getCallId().toString(), call));
      }
      producer.flush();
    }
    System.out.printf(
        "produced %,d call records in %.2f s%n", rows, (System.nanoTime() - p0) / 1e9);

    Map<String, Object> config = new HashMap<>();
    config.put(SinkConfig.DATA_DIR_CONFIG, dir.toString());
    config.put(SinkConfig.CALLS_TOPIC_CONFIG, topic);
    config.put(SinkConfig.FLOWS_ARCHIVE_ENABLED_CONFIG, false);
    config.put(SinkConfig.AUDIT_ENABLED_CONFIG, audit);
    config.put(SinkConfig.GROUP_ID_CONFIG, "bench");
    config.put("kafka.bootstrap.servers", bootstrap);
    config.put("kafka.schema.registry.url", registryUrl);
    List<String> groups =
        audit ? List.of("bench.calls-parquet", "bench.audit") : List.of("bench.calls-parquet");
    long s0 = System.nanoTime();
    try (SinkService service = new SinkService(new SinkConfig(config))) {
      service.start();
      for (String group : groups) {
        waitForCommittedEnd(bootstrap, group, topic, partitions, rows);
        System.out.printf(
            "%s: %,d rows committed after %.2f s = %,.0f rows/s%n",
            group, rows, (System.nanoTime() - s0) / 1e9, rows / ((System.nanoTime() - s0) / 1e9));
      }
      if (!service.failures().isEmpty()) {
        throw new IllegalStateException("sink failed", service.failures().get(0));
      }
    }
  }

  static void waitForCommittedEnd(
      String bootstrap, String group, String topic, int partitions, int rows) throws Exception {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    try (KafkaConsumer<byte[], byte[]> probe =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      java.util.Set<TopicPartition> tps = new java.util.HashSet<>();
      for (int p = 0; p < partitions; p++) {
        tps.add(new TopicPartition(topic, p));
      }
      while (true) {
        long total = 0;
        for (OffsetAndMetadata o : probe.committed(tps).values()) {
          total += o == null ? 0 : o.offset();
        }
        if (total >= rows) {
          return;
        }
        Thread.sleep(50);
      }
    }
  }
}
