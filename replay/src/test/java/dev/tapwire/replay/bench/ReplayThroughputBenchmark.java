package dev.tapwire.replay.bench;

import dev.tapwire.avro.BodyPart;
import dev.tapwire.avro.CaptureMode;
import dev.tapwire.avro.Direction;
import dev.tapwire.avro.FlowEnd;
import dev.tapwire.avro.FlowEvent;
import dev.tapwire.avro.Header;
import dev.tapwire.avro.RequestHead;
import dev.tapwire.avro.ResponseHead;
import dev.tapwire.avro.SseChunk;
import dev.tapwire.avro.SseFrame;
import dev.tapwire.avro.Termination;
import dev.tapwire.embedded.kafka.EmbeddedKafkaBroker;
import dev.tapwire.embedded.registry.EmbeddedSchemaRegistry;
import dev.tapwire.replay.ReplayProgress;
import dev.tapwire.replay.ReplaySummary;
import dev.tapwire.replay.Replayer;
import dev.tapwire.replay.kafka.KafkaFlowSource;
import dev.tapwire.replay.kafka.KafkaReplayTarget;
import dev.tapwire.replay.kafka.TopicScanner;
import dev.tapwire.replay.observe.Observation;
import dev.tapwire.replay.observe.TopicObserver;
import dev.tapwire.replay.parquet.ParquetFlowSource;
import dev.tapwire.replay.range.FlowSelector;
import dev.tapwire.replay.range.TimeRange;
import dev.tapwire.serde.AvroSerdes;
import dev.tapwire.sink.parquet.FlowsDataset;
import dev.tapwire.sink.parquet.HourlyPartitioner;
import dev.tapwire.sink.parquet.ParquetFileSettings;
import dev.tapwire.sink.parquet.ParquetRecordWriterProvider;
import dev.tapwire.sink.parquet.RecordWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Prints replay and observation throughput on loopback: an embedded broker and registry, {@code
 * flows} synthetic Messages flows (request head, a JSON request body of {@code bodyBytes}, response
 * head, 3 SSE chunks, flow end = 7 events) on a 6-partition raw topic; then a replay from Kafka, a
 * replay from a Parquet archive of the same events, and {@code schemas observe} over the topic.
 * Numbers only, nothing asserted. Run:
 *
 * <pre>
 * ./mvnw -B -o -q -pl replay test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -Xmx1g -XX:+UseSerialGC -cp replay/target/test-classes:replay/target/classes:$(cat replay/target/cp.txt) \
 *     dev.tapwire.replay.bench.ReplayThroughputBenchmark [flows [bodyBytes]]
 * </pre>
 */
public final class ReplayThroughputBenchmark {
  private static final String RAW = "bench.flows.raw";

  private ReplayThroughputBenchmark() {}

  public static void main(String[] args) throws Exception {
    int flows = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
    int bodyBytes = args.length > 1 ? Integer.parseInt(args[1]) : 8192;
    Path work = Files.createTempDirectory("tapwire-replay-bench-");
    try (EmbeddedKafkaBroker broker =
        EmbeddedKafkaBroker.builder().dataDir(work.resolve("kafka")).port(0).build()) {
      broker.start();
      try (EmbeddedSchemaRegistry registry =
          new EmbeddedSchemaRegistry(broker.bootstrapServers())) {
        registry.start();
        run(broker.bootstrapServers(), registry.url(), work, flows, bodyBytes);
      }
    }
  }

  private static void run(String bootstrap, String registryUrl, Path work, int flows, int bodyBytes)
      throws Exception {
    Map<String, Object> client = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(client)) {
      admin.createTopics(List.of(new NewTopic(RAW, 6, (short) 1))).all().get();
    }
    Serde<FlowEvent> serde =
        AvroSerdes.specific(FlowEvent.class, Map.of("schema.registry.url", registryUrl), false);
    Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(30));
    byte[] body = requestBody(bodyBytes);
    List<List<FlowEvent>> all = new ArrayList<>(flows);
    for (int i = 0; i < flows; i++) {
      all.add(flow(t0.plusMillis(i), body));
    }
    long events = all.stream().mapToLong(List::size).sum();

    long start = System.nanoTime();
    Map<String, Object> producerProps = new HashMap<>(client);
    producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    producerProps.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    try (KafkaProducer<String, FlowEvent> producer =
        new KafkaProducer<>(producerProps, new StringSerializer(), serde.serializer())) {
      for (List<FlowEvent> flow : all) {
        for (FlowEvent e : flow) {
          producer.send(
              new ProducerRecord<>(
                  RAW, null, e.getEventTime().toEpochMilli(), e.getFlowId().toString(), e));
        }
      }
      producer.flush();
    }
    report("produce raw", flows, events, -1, System.nanoTime() - start);

    FlowSelector selector = FlowSelector.of(new TimeRange(t0, t0.plusMillis(flows).plusSeconds(1)));
    start = System.nanoTime();
    ReplaySummary kafka;
    try (KafkaFlowSource source =
            new KafkaFlowSource(client, RAW, serde.deserializer(), Duration.ofMinutes(5));
        KafkaReplayTarget target = new KafkaReplayTarget(client, "bench.replay.kafka", 500)) {
      target.open(6);
      kafka = Replayer.replay(source, target, selector, ReplayProgress.silent(Clock.systemUTC()));
    }
    report(
        "replay from kafka",
        kafka.flowsCopied(),
        kafka.eventsCopied(),
        kafka.bytesCopied(),
        System.nanoTime() - start);

    Path root = work.resolve("parquet");
    start = System.nanoTime();
    writeArchive(root, all);
    report("write parquet archive (setup)", flows, events, -1, System.nanoTime() - start);
    start = System.nanoTime();
    ReplaySummary parquet;
    try (ParquetFlowSource source =
            new ParquetFlowSource(root, serde.serializer(), "bench.replay.parquet");
        KafkaReplayTarget target = new KafkaReplayTarget(client, "bench.replay.parquet", 500)) {
      target.open(6);
      parquet = Replayer.replay(source, target, selector, ReplayProgress.silent(Clock.systemUTC()));
    }
    report(
        "replay from parquet",
        parquet.flowsCopied(),
        parquet.eventsCopied(),
        parquet.bytesCopied(),
        System.nanoTime() - start);

    for (String topic : List.of("bench.replay.kafka", "bench.replay.parquet")) {
      long[] records = {0};
      new TopicScanner(client)
          .scan(topic, Optional.empty(), Optional.empty(), r -> records[0]++, n -> {});
      System.out.printf(
          Locale.ROOT, "%-30s %d committed records (expected %d)%n", topic, records[0], events);
    }

    start = System.nanoTime();
    Observation observation = new TopicObserver(client, serde.deserializer()).observe(RAW);
    report(
        "schemas observe",
        observation.counters().getOrDefault("flows", 0L),
        events,
        -1,
        System.nanoTime() - start);
  }

  private static void report(String what, long flows, long events, long bytes, long nanos) {
    double s = nanos / 1e9;
    System.out.printf(
        Locale.ROOT,
        "%-30s %7d flows %8d events in %6.2f s: %8.0f flows/s %9.0f events/s%s%n",
        what,
        flows,
        events,
        s,
        flows / s,
        events / s,
        bytes < 0 ? "" : String.format(Locale.ROOT, " %7.1f MiB/s", bytes / s / (1 << 20)));
  }

  private static byte[] requestBody(int size) {
    StringBuilder s =
        new StringBuilder(
            "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":1024,\"stream\":true,"
                + "\"metadata\":{\"user_id\":\"user_"
                + "ab".repeat(32)
                + "_account__session_"
                + UUID.randomUUID()
                + "\"},\"messages\":[{\"role\":\"user\",\"content\":\"");
    while (s.length() < size - 4) {
      s.append("lorem ipsum ");
    }
    s.append("\"}]}");
    return s.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static List<FlowEvent> flow(Instant start, byte[] body) {
    UUID id = UUID.randomUUID();
    List<FlowEvent> events = new ArrayList<>();
    List<Header> reqHeaders = List.of(new Header("User-Agent", "claude-cli/2.1.3 (external, cli)"));
    events.add(
        new FlowEvent(
            id,
            0L,
            "bench",
            start,
            new RequestHead(
                "POST",
                "https",
                "api.anthropic.com",
                443,
                "/v1/messages?beta=true",
                "HTTP/1.1",
                reqHeaders,
                "127.0.0.1:1",
                CaptureMode.MITM,
                "c",
                null)));
    events.add(
        new FlowEvent(
            id, 1L, "bench", start, new BodyPart(Direction.REQUEST, 0L, ByteBuffer.wrap(body))));
    events.add(
        new FlowEvent(
            id,
            2L,
            "bench",
            start.plusMillis(300),
            new ResponseHead(
                200,
                "OK",
                "HTTP/1.1",
                List.of(new Header("Content-Type", "text/event-stream")),
                300_000L)));
    long offset = 0;
    for (int c = 0; c < 3; c++) {
      byte[] frame =
          ("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                  + "\"delta\":{\"type\":\"text_delta\",\"text\":\"chunk "
                  + c
                  + "\"}}\n\n")
              .getBytes(StandardCharsets.UTF_8);
      Instant at = start.plusMillis(300 + 20L * c);
      events.add(
          new FlowEvent(
              id,
              3L + c,
              "bench",
              at,
              new SseChunk(
                  offset, ByteBuffer.wrap(frame), List.of(new SseFrame(frame.length, at, true)))));
      offset += frame.length;
    }
    events.add(
        new FlowEvent(
            id,
            6L,
            "bench",
            start.plusMillis(400),
            FlowEnd.newBuilder()
                .setTermination(Termination.COMPLETE)
                .setRequestBytes(body.length)
                .setResponseBytes(offset)
                .setRequestSha256("")
                .setResponseSha256("")
                .setTotalMicros(400_000L)
                .setRequestParts(1)
                .setResponseParts(3)
                .build()));
    return events;
  }

  private static void writeArchive(Path root, List<List<FlowEvent>> flows) throws Exception {
    FlowsDataset dataset = new FlowsDataset();
    HourlyPartitioner<FlowEvent> partitioner = new HourlyPartitioner<>(dataset.timestamps());
    ParquetRecordWriterProvider provider =
        ParquetRecordWriterProvider.forDataset(dataset, ParquetFileSettings.DEFAULT);
    Map<String, RecordWriter<IndexedRecord>> writers = new HashMap<>();
    for (List<FlowEvent> flow : flows) {
      for (FlowEvent e : flow) {
        String partition = partitioner.encodePartition(e);
        RecordWriter<IndexedRecord> writer = writers.get(partition);
        if (writer == null) {
          Path dir = root.resolve(FlowsDataset.NAME).resolve(partition);
          Files.createDirectories(dir);
          writer =
              provider.open(
                  dir.resolve("bench+0+" + writers.size() + "+" + writers.size() + ".parquet"));
          writers.put(partition, writer);
        }
        writer.write(dataset.toRow(e));
      }
    }
    for (RecordWriter<IndexedRecord> w : writers.values()) {
      w.close();
    }
  }
}
