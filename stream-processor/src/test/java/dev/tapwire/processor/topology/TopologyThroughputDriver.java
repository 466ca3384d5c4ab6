package dev.tapwire.processor.topology;

import dev.tapwire.avro.CallRecord;
import dev.tapwire.avro.DeadLetter;
import dev.tapwire.avro.FlowEvent;
import dev.tapwire.avro.Termination;
import dev.tapwire.processor.ProcessorConfig;
import dev.tapwire.registry.InMemorySchemaRegistry;
import dev.tapwire.schemas.Topics;
import dev.tapwire.serde.AvroSerdes;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * Load driver (not a test): the topology's own cost per raw event, without a broker — the same
 * recorded flows as {@link ProcessorLoadDriver} piped through {@link TopologyTestDriver} (real
 * RocksDB stores, real Avro serdes, call-record building). Prints raw events/s after a warm-up.
 *
 * <p>Run: {@code java -cp <test classpath> dev.tapwire.processor.topology.TopologyThroughputDriver
 * [flows=20000] [requestKb=1]}
 */
public final class TopologyThroughputDriver {
  private TopologyThroughputDriver() {}

  /** CPU time of this JVM (all threads), nanoseconds: fair on a shared, overloaded machine. */
  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  public static void main(String[] args) throws Exception {
    int flows = 20000;
    int requestKb = 1;
    for (String arg : args) {
      String[] kv = arg.split("=", 2);
      if (kv[0].equals("flows")) {
        flows = Integer.parseInt(kv[1]);
      } else if (kv[0].equals("requestKb")) {
        requestKb = Integer.parseInt(kv[1]);
      }
    }
    String transcript;
    try (InputStream in =
        TopologyThroughputDriver.class.getResourceAsStream("/golden/anthropic-tool-use.sse")) {
      transcript = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    String filler = "x".repeat(Math.max(0, requestKb * 1024 - 200));
    byte[] body =
        ("{\"model\":\"claude-sonnet-4-5-20250929\",\"max_tokens\":32000,\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\""
                + filler
                + "\"}]}")
            .getBytes(StandardCharsets.UTF_8);

    InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    Serde<FlowEvent> flowSerde = AvroSerdes.specific(FlowEvent.class, registry, false);
    Serde<CallRecord> callSerde = AvroSerdes.specific(CallRecord.class, registry, false);
    Serde<DeadLetter> dlqSerde = AvroSerdes.specific(DeadLetter.class, registry, false);
    Path dir = Files.createTempDirectory("tapwire-topology-bench-");
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "topology-bench");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, dir.toString());
    try (TopologyTestDriver driver =
        new TopologyTestDriver(
            CallTopology.build(
                new ProcessorConfig(Map.of()), flowSerde, callSerde, dlqSerde, Clock.systemUTC()),
            props)) {
      TestInputTopic<byte[], byte[]> raw =
          driver.createInputTopic(
              Topics.RAW_FLOWS, new ByteArraySerializer(), new ByteArraySerializer());
      TestOutputTopic<String, CallRecord> calls =
          driver.createOutputTopic(
              Topics.CALLS, new StringDeserializer(), callSerde.deserializer());
      Serializer<FlowEvent> serializer = flowSerde.serializer();
      for (int round = 0; round < 2; round++) {
        int n = round == 0 ? Math.max(1, flows / 5) : flows;
        List<byte[]> values = new ArrayList<>();
        List<byte[]> keys = new ArrayList<>();
        Instant start = Instant.parse("2026-11-15T10:00:00Z");
        for (int i = 0; i < n; i++) {
          FlowScript flow =
              FlowScript.start(start.plusMillis(i))
                  .request(
                      "POST",
                      "api.anthropic.com",
                      "/v1/messages",
                      FlowScript.headers(
                          "x-api-key",
                          "fp:api_key:4f2a",
                          "User-Agent",
                          "claude-cli/2.1.3 (external, cli)"))
                  .requestBody(body)
                  .after(Duration.ofMillis(300))
                  .response(200, FlowScript.headers("content-type", "text/event-stream"))
                  .sse(transcript, Duration.ofMillis(10), 3)
                  .end(Termination.COMPLETE);
          for (FlowEvent event : flow.events()) {
            keys.add(event.getFlowId().toString().getBytes(StandardCharsets.UTF_8));
            values.add(serializer.serialize(Topics.RAW_FLOWS, event));
          }
        }
        long cpu0 = processCpuNanos();
        long t0 = System.nanoTime();
        for (int i = 0; i < values.size(); i++) {
          raw.pipeInput(keys.get(i), values.get(i));
        }
        long t1 = System.nanoTime();
        double cpuSeconds = (processCpuNanos() - cpu0) / 1e9;
        long records = calls.getQueueSize();
        calls.readValuesToList();
        double seconds = (t1 - t0) / 1e9;
        System.out.printf(
            "%s: %d flows, %d raw events in %.2f s = %.0f events/s (%.0f flows/s), %d call records;"
                + " process CPU %.2f s = %.0f events per CPU-second%n",
            round == 0 ? "warm-up" : "measured",
            n,
            values.size(),
            seconds,
            values.size() / seconds,
            n / seconds,
            records,
            cpuSeconds,
            values.size() / cpuSeconds);
      }
    }
  }
}
