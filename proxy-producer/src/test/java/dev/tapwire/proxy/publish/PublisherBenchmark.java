package dev.tapwire.proxy.publish;

import dev.tapwire.avro.FlowEvent;
import dev.tapwire.embedded.kafka.EmbeddedKafkaBroker;
import dev.tapwire.proxy.capture.CaptureUnavailableException;
import dev.tapwire.proxy.spool.Spool;
import dev.tapwire.proxy.spool.SpoolOptions;
import dev.tapwire.proxy.spool.SpoolRecord;
import dev.tapwire.registry.InMemorySchemaRegistry;
import dev.tapwire.serde.AvroSerdes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * Load driver (not a test): flow events per second through {@link KafkaFlowPublisher} into an
 * in-process broker in direct mode, and spool append / drain throughput in MB/s. Prints a table.
 *
 * <p>Run: {@code ./mvnw -B -o -q -pl proxy-producer test-compile exec:java
 * -Dexec.classpathScope=test -Dexec.mainClass=dev.tapwire.proxy.publish.PublisherBenchmark} or with
 * {@code java -cp} on the test class path. Optional argument: events per run (default 200000).
 */
public final class PublisherBenchmark {
  private PublisherBenchmark() {}

  public static void main(String[] args) throws Exception {
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    Path dir = Files.createTempDirectory("tapwire-publisher-bench");
    try {
      System.out.printf("%-46s %12s %10s %10s%n", "scenario", "events/s", "MB/s", "seconds");
      for (int bodyBytes : new int[] {1024, 16 * 1024}) {
        spool(dir.resolve("spool-" + bodyBytes), events, bodyBytes);
      }
      try (EmbeddedKafkaBroker broker =
          EmbeddedKafkaBroker.builder().dataDir(dir.resolve("kafka")).port(0).build()) {
        broker.start();
        for (int bodyBytes : new int[] {1024, 16 * 1024}) {
          direct(broker.bootstrapServers(), dir.resolve("pub-" + bodyBytes), events, bodyBytes);
        }
        for (int bodyBytes : new int[] {1024, 16 * 1024}) {
          drainToKafka(
              broker.bootstrapServers(), dir.resolve("drain-" + bodyBytes), events, bodyBytes);
        }
      }
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static List<FlowEvent> sample(int bodyBytes) {
    // 100 flows of 10 events: a request head, 8 body parts, a flow end
    return TestFlows.interleaved(100, 8, bodyBytes);
  }

  private static long serializedBytes(List<FlowEvent> sample, InMemorySchemaRegistry registry) {
    var serializer = AvroSerdes.specific(FlowEvent.class, registry, false).serializer();
    long total = 0;
    for (FlowEvent e : sample) {
      total += serializer.serialize("bench", e).length;
    }
    return total;
  }

  private static void direct(String bootstrap, Path spoolDir, int events, int bodyBytes)
      throws Exception {
    String topic = "bench-" + bodyBytes;
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
    }
    InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    List<FlowEvent> sample = sample(bodyBytes);
    double bytesPerEvent = (double) serializedBytes(sample, registry) / sample.size();
    Map<String, Object> props = new HashMap<>();
    props.put(PublisherConfig.TOPIC_CONFIG, topic);
    props.put(PublisherConfig.SPOOL_DIR_CONFIG, spoolDir.toString());
    // Measure direct mode: a load driver offers events faster than any broker takes them, which
    // the default thresholds would (rightly) treat as "Kafka is slow" and spool.
    props.put(PublisherConfig.QUEUE_SPOOL_THRESHOLD_CONFIG, 16384);
    props.put(PublisherConfig.SLOW_AFTER_MS_CONFIG, 30_000L);
    props.put("kafka.bootstrap.servers", bootstrap);
    props.put("kafka.schema.registry.url", "http://127.0.0.1:1/in-memory");
    PublisherConfig config = new PublisherConfig(props);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (KafkaFlowPublisher publisher =
        new KafkaFlowPublisher(
            config,
            () -> new KafkaProducer<String, byte[]>(config.producerConfigs()),
            AvroSerdes.specific(FlowEvent.class, registry, false).serializer(),
            meters,
            Clock.systemUTC())) {
      publisher.start();
      // warm-up
      sample.forEach(publisher::publish);
      publisher.handOff();
      waitPublished(meters, sample.size());
      long refused = 0;
      long t0 = System.nanoTime();
      for (int i = 0; i < events; i++) {
        FlowEvent e = sample.get(i % sample.size());
        while (true) {
          try {
            publisher.publish(e);
            publisher.handOff(); // as the capture does for events published off an event loop
            break;
          } catch (CaptureUnavailableException full) {
            refused++;
            LockSupport.parkNanos(50_000);
          }
        }
      }
      waitPublished(meters, sample.size() + (long) events);
      double seconds = (System.nanoTime() - t0) / 1e9;
      print(
          "direct to Kafka, " + bodyBytes / 1024 + " KiB parts, mode at end " + publisher.mode(),
          events,
          events * bytesPerEvent,
          seconds);
      System.out.printf(
          "    (%d publish() calls refused with a full queue and retried; %.0f events spooled)%n",
          refused, meters.counter("tapwire.capture.events.spooled").count());
    }
  }

  /** A spool left by an earlier run, published by a new publisher: the catch-up rate. */
  private static void drainToKafka(String bootstrap, Path spoolDir, int events, int bodyBytes)
      throws Exception {
    String topic = "bench-drain-" + bodyBytes;
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
    }
    List<FlowEvent> sample = sample(bodyBytes);
    FlowEventCodec codec = new FlowEventCodec(spoolDir);
    long bytes = 0;
    SpoolOptions options =
        new SpoolOptions(
            spoolDir, 64L * 1024 * 1024 * 1024, SpoolOptions.DEFAULT_SEGMENT_BYTES, 200);
    try (Spool spool = Spool.open(options, Clock.systemUTC())) {
      for (int i = 0; i < events; i++) {
        byte[] payload = codec.encode(sample.get(i % sample.size()));
        bytes += payload.length;
        spool.append(payload);
      }
    }
    InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    Map<String, Object> props = new HashMap<>();
    props.put(PublisherConfig.TOPIC_CONFIG, topic);
    props.put(PublisherConfig.SPOOL_DIR_CONFIG, spoolDir.toString());
    props.put(PublisherConfig.SPOOL_MAX_BYTES_CONFIG, 64L * 1024 * 1024 * 1024);
    props.put("kafka.bootstrap.servers", bootstrap);
    props.put("kafka.schema.registry.url", "http://127.0.0.1:1/in-memory");
    PublisherConfig config = new PublisherConfig(props);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (KafkaFlowPublisher publisher =
        new KafkaFlowPublisher(
            config,
            () -> new KafkaProducer<String, byte[]>(config.producerConfigs()),
            AvroSerdes.specific(FlowEvent.class, registry, false).serializer(),
            meters,
            Clock.systemUTC())) {
      long t0 = System.nanoTime();
      publisher.start();
      waitPublished(meters, events);
      double seconds = (System.nanoTime() - t0) / 1e9;
      print("spool drained to Kafka, " + bodyBytes / 1024 + " KiB parts", events, bytes, seconds);
    }
  }

  private static void waitPublished(SimpleMeterRegistry meters, long count) {
    while (meters.counter("tapwire.capture.events.published").count() < count) {
      LockSupport.parkNanos(1_000_000);
    }
  }

  private static void spool(Path dir, int events, int bodyBytes) throws Exception {
    List<FlowEvent> sample = sample(bodyBytes);
    FlowEventCodec codec = new FlowEventCodec(dir);
    byte[][] payloads = new byte[sample.size()][];
    long sampleBytes = 0;
    for (int i = 0; i < payloads.length; i++) {
      payloads[i] = codec.encode(sample.get(i));
      sampleBytes += payloads[i].length;
    }
    double bytesPerEvent = (double) sampleBytes / payloads.length;
    SpoolOptions options =
        new SpoolOptions(dir, 64L * 1024 * 1024 * 1024, SpoolOptions.DEFAULT_SEGMENT_BYTES, 200);
    try (Spool spool = Spool.open(options, Clock.systemUTC())) {
      long t0 = System.nanoTime();
      for (int i = 0; i < events; i++) {
        spool.append(payloads[i % payloads.length]);
      }
      spool.flush();
      double appendSeconds = (System.nanoTime() - t0) / 1e9;
      print(
          "spool append (fsync 200 ms), " + bodyBytes / 1024 + " KiB parts",
          events,
          events * bytesPerEvent,
          appendSeconds);
      long t1 = System.nanoTime();
      long read = 0;
      List<SpoolRecord> batch;
      while (!(batch = spool.read(2000, 8L * 1024 * 1024)).isEmpty()) {
        for (SpoolRecord r : batch) {
          codec.decode(r.payload());
        }
        read += batch.size();
        spool.commit(batch.get(batch.size() - 1).index() + 1);
      }
      double drainSeconds = (System.nanoTime() - t1) / 1e9;
      print(
          "spool read+decode+commit, " + bodyBytes / 1024 + " KiB parts",
          read,
          read * bytesPerEvent,
          drainSeconds);
    }
  }

  private static void print(String scenario, long events, double bytes, double seconds) {
    System.out.printf(
        "%-46s %12.0f %10.1f %10.2f%n", scenario, events / seconds, bytes / seconds / 1e6, seconds);
  }
}
