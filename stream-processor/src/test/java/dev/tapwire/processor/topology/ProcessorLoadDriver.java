package dev.tapwire.processor.topology;

import dev.tapwire.avro.CallRecord;
import dev.tapwire.avro.FlowEvent;
import dev.tapwire.avro.Termination;
import dev.tapwire.embedded.kafka.EmbeddedKafkaBroker;
import dev.tapwire.embedded.registry.EmbeddedSchemaRegistry;
import dev.tapwire.processor.ProcessorConfig;
import dev.tapwire.processor.StreamProcessorService;
import dev.tapwire.serde.AvroSerdes;
import dev.tapwire.serde.RestSchemaRegistryClient;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Load driver (not a test): pushes recorded flows through the real topology on the embedded broker
 * and prints (1) raw events/s while draining a backlog of {@code flows} flows and (2) the latency
 * from sending a flow's FlowEnd to the call record being visible to a read_committed consumer (p50,
 * p99) at a steady {@code rate} flows/s, with the default commit interval (100 ms).
 *
 * <p>Each flow replays the golden transcript {@code golden/anthropic-tool-use.sse}: request head, a
 * request body of {@code requestKb} KiB (in 256 KiB parts), response head, the 12 SSE frames
 * batched 3 to a chunk, flow end.
 *
 * <p>Run: {@code java -cp <test classpath> dev.tapwire.processor.topology.ProcessorLoadDriver
 * [flows=20000] [requestKb=1] [latencyFlows=1000] [rate=100] [threads=1]}
 */
public final class ProcessorLoadDriver {
  private ProcessorLoadDriver() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new HashMap<>();
    for (String arg : args) {
      String[] kv = arg.split("=", 2);
      opts.put(kv[0], kv[1]);
    }
    int flows = Integer.parseInt(opts.getOrDefault("flows", "20000"));
    int requestKb = Integer.parseInt(opts.getOrDefault("requestKb", "1"));
    int latencyFlows = Integer.parseInt(opts.getOrDefault("latencyFlows", "1000"));
    int rate = Integer.parseInt(opts.getOrDefault("rate", "100"));
    int threads = Integer.parseInt(opts.getOrDefault("threads", "1"));
    String transcript;
    try (InputStream in =
        ProcessorLoadDriver.class.getResourceAsStream("/golden/anthropic-tool-use.sse")) {
      transcript = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    byte[] body = requestBody(requestKb);

    Path dir = Files.createTempDirectory("tapwire-load-");
    try (EmbeddedKafkaBroker broker =
        EmbeddedKafkaBroker.builder().dataDir(dir.resolve("kafka")).port(0).build()) {
      broker.start();
      try (EmbeddedSchemaRegistry registry =
          new EmbeddedSchemaRegistry(
              broker.bootstrapServers(), new InetSocketAddress("127.0.0.1", 0))) {
        registry.start();
        run(
            broker.bootstrapServers(),
            registry.url(),
            dir,
            transcript,
            body,
            flows,
            latencyFlows,
            rate,
            threads);
      }
    }
  }

  /**
   * CPU time of the live Kafka Streams stream threads (named {@code …-StreamThread-<n>}) since they
   * started, nanoseconds: the processor's own cost, less disturbed than wall time by other load on
   * a shared machine.
   */
  static long streamThreadsCpuNanos() {
    java.lang.management.ThreadMXBean threads =
        java.lang.management.ManagementFactory.getThreadMXBean();
    long total = 0;
    for (java.lang.management.ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null && info.getThreadName().matches(".*-StreamThread-\\d+")) {
        total += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
      }
    }
    return total;
  }

  private static byte[] requestBody(int kb) {
    String filler = "x".repeat(Math.max(0, kb * 1024 - 200));
    return ("{\"model\":\"claude-sonnet-4-5-20250929\",\"max_tokens\":32000,\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\""
            + filler
            + "\"}]}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static FlowScript flow(String transcript, byte[] body, Instant start) {
    return FlowScript.start(start)
        .request(
            "POST",
            "api.anthropic.com",
            "/v1/messages?beta=true",
            FlowScript.headers(
                "User-Agent", "claude-cli/2.1.3 (external, cli)",
                "x-api-key", "fp:api_key:4f2a",
                "anthropic-beta", "claude-code-20250219"))
        .requestBody(body)
        .after(Duration.ofMillis(300))
        .response(
            200, FlowScript.headers("content-type", "text/event-stream", "request-id", "req_1"))
        .sse(transcript, Duration.ofMillis(10), 3)
        .end(Termination.COMPLETE);
  }

  private static void run(
      String bootstrap,
      String registryUrl,
      Path dir,
      String transcript,
      byte[] body,
      int flows,
      int latencyFlows,
      int rate,
      int threads)
      throws Exception {
    String raw = "tapwire.flows.raw";
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(raw, 3, (short) 1),
                  new NewTopic("tapwire.calls", 3, (short) 1),
                  new NewTopic("tapwire.flows.dlq", 1, (short) 1)))
          .all()
          .get();
    }
    RestSchemaRegistryClient client = new RestSchemaRegistryClient(registryUrl);
    Map<String, Object> producerProps = new HashMap<>();
    producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
    producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    producerProps.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);

    Map<String, Long> received = new ConcurrentHashMap<>();
    AtomicLong firstReceived = new AtomicLong();
    AtomicBoolean consuming = new AtomicBoolean(true);
    Thread consumer =
        new Thread(
            () -> consume(bootstrap, client, received, firstReceived, consuming), "calls-consumer");
    consumer.start();

    long events = 0;
    Instant start = Instant.parse("2026-11-15T10:00:00Z");
    try (KafkaProducer<String, FlowEvent> producer =
        new KafkaProducer<>(
            producerProps,
            new StringSerializer(),
            AvroSerdes.specific(FlowEvent.class, client, false).serializer())) {
      // Phase 1: a backlog, drained by a freshly started processor.
      List<FlowEvent> batch = new ArrayList<>();
      for (int i = 0; i < flows; i++) {
        batch.addAll(flow(transcript, body, start.plusMillis(i)).events());
        if (batch.size() > 2000 || i == flows - 1) {
          for (FlowEvent e : batch) {
            producer.send(new ProducerRecord<>(raw, e.getFlowId().toString(), e));
          }
          events += batch.size();
          batch.clear();
        }
      }
      producer.flush();
      System.out.printf(
          "backlog: %d flows, %d raw events, request body %d bytes%n", flows, events, body.length);

      Map<String, Object> settings = new HashMap<>();
      settings.put(ProcessorConfig.STATE_DIR, dir.resolve("streams").toString());
      settings.put("kafka.bootstrap.servers", bootstrap);
      settings.put("kafka.schema.registry.url", registryUrl);
      settings.put("kafka.num.stream.threads", threads);
      try (StreamProcessorService service =
          new StreamProcessorService(new ProcessorConfig(settings), Clock.systemUTC())) {
        long cpu0 = TopologyThroughputDriver.processCpuNanos();
        long t0 = System.nanoTime();
        service.start();
        long halfway = 0;
        while (received.size() < flows) {
          if (halfway == 0 && received.size() >= flows / 2) {
            halfway = System.nanoTime();
          }
          Thread.sleep(20);
        }
        long t1 = System.nanoTime();
        double cpuSeconds = (TopologyThroughputDriver.processCpuNanos() - cpu0) / 1e9;
        double total = (t1 - t0) / 1e9;
        double steady = (t1 - firstReceived.get()) / 1e9;
        System.out.printf(
            "drain: %d raw events in %.2f s from start = %.0f events/s; first→last call record %.2f s = %.0f events/s (%.0f flows/s)%n",
            events, total, events / total, steady, events / steady, flows / steady);
        if (halfway != 0) {
          // The first half includes the JIT compiling the processor's code in this fresh JVM.
          double secondHalf = (t1 - halfway) / 1e9;
          double halfEvents = events * (double) (flows - flows / 2) / flows;
          System.out.printf(
              "drain, second half of the backlog (warmer JIT): %.0f raw events in %.2f s = %.0f events/s%n",
              halfEvents, secondHalf, halfEvents / secondHalf);
        }
        System.out.printf(
            "drain CPU (whole JVM: broker + registry + processor + consumer): %.2f s = %.0f events per CPU-second%n",
            cpuSeconds, events / cpuSeconds);
        double streamCpuSeconds = streamThreadsCpuNanos() / 1e9;
        System.out.printf(
            "drain CPU of the stream threads alone (from their start): %.2f s = %.1f µs per raw event%n",
            streamCpuSeconds, streamCpuSeconds * 1e6 / events);

        // Phase 2: latency from FlowEnd sent to committed call record, at a steady rate.
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        long intervalNanos = 1_000_000_000L / rate;
        long next = System.nanoTime();
        for (int i = 0; i < latencyFlows; i++) {
          List<FlowEvent> flowEvents = flow(transcript, body, Instant.now()).events();
          for (int e = 0; e < flowEvents.size(); e++) {
            FlowEvent event = flowEvents.get(e);
            if (e == flowEvents.size() - 1) {
              sentAt.put(event.getFlowId().toString(), System.nanoTime());
            }
            producer.send(new ProducerRecord<>(raw, event.getFlowId().toString(), event));
          }
          next += intervalNanos;
          long sleep = next - System.nanoTime();
          if (sleep > 0) {
            Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
          }
        }
        producer.flush();
        while (!received.keySet().containsAll(sentAt.keySet())) {
          Thread.sleep(20);
        }
        long[] latencies =
            sentAt.entrySet().stream()
                .mapToLong(e -> received.get(e.getKey()) - e.getValue())
                .sorted()
                .toArray();
        System.out.printf(
            "latency flow end → committed call record at %d flows/s (%d flows, commit interval %d ms): p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
            rate,
            latencyFlows,
            100,
            latencies[latencies.length / 2] / 1e6,
            latencies[(int) Math.min(latencies.length - 1, Math.ceil(latencies.length * 0.99) - 1)]
                / 1e6,
            latencies[latencies.length - 1] / 1e6);
      }
    } finally {
      consuming.set(false);
      consumer.join(10_000);
    }
  }

  private static void consume(
      String bootstrap,
      RestSchemaRegistryClient client,
      Map<String, Long> received,
      AtomicLong firstReceived,
      AtomicBoolean running) {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "load-driver");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (KafkaConsumer<String, CallRecord> consumer =
        new KafkaConsumer<>(
            props,
            new StringDeserializer(),
            AvroSerdes.specific(CallRecord.class, client, false).deserializer())) {
      consumer.subscribe(List.of("tapwire.calls"));
      while (running.get()) {
        for (ConsumerRecord<String, CallRecord> record : consumer.poll(Duration.ofMillis(5))) {
          long now = System.nanoTime();
          firstReceived.compareAndSet(0, now);
          received.putIfAbsent(record.key(), now);
        }
      }
    }
  }
}
