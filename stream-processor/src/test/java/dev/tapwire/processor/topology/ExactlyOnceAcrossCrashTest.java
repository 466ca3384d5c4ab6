package dev.tapwire.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tapwire.avro.CallRecord;
import dev.tapwire.avro.FlowEvent;
import dev.tapwire.avro.Outcome;
import dev.tapwire.avro.Termination;
import dev.tapwire.processor.ProcessorConfig;
import dev.tapwire.processor.ProcessorTestSetup;
import dev.tapwire.processor.StreamProcessorMain;
import dev.tapwire.processor.StreamProcessorService;
import dev.tapwire.serde.AvroSerdes;
import dev.tapwire.testkit.KafkaEnvironment;
import dev.tapwire.testkit.KafkaExtension;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Invariant 4 on the real (embedded) broker: the processor runs in a child JVM that is killed with
 * SIGKILL mid-run (no clean commit, transactions left open), a new instance takes over the same
 * application id, and a read_committed consumer finds every call exactly once.
 */
@ExtendWith(KafkaExtension.class)
class ExactlyOnceAcrossCrashTest {
  private static final int FLOWS = 400;

  @TempDir Path dir;

  @Test
  void shouldFindEveryCallExactlyOnceAfterTheProcessorIsKilledMidRun(KafkaEnvironment env)
      throws Exception {
    ProcessorTestSetup setup = ProcessorTestSetup.create(env, dir, 3);
    String input = setup.input();
    String output = setup.output();
    Map<String, String> settings = setup.settings();
    // the killed member leaves the group when its session expires: keep that short for the test
    settings.put("kafka.session.timeout.ms", "10000");

    Map<String, Integer> seen = new ConcurrentHashMap<>();
    List<String> notComplete = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean consuming = new AtomicBoolean(true);
    Thread consumer =
        new Thread(() -> consume(env, output, seen, notComplete, consuming), "calls-consumer");
    consumer.start();

    Set<UUID> expected = ConcurrentHashMap.newKeySet();
    Process child = launch(settings, dir.resolve("child.log"));
    try (KafkaProducer<String, FlowEvent> producer =
        new KafkaProducer<>(
            env.producerProperties(),
            new StringSerializer(),
            AvroSerdes.specific(FlowEvent.class, env.schemaRegistryClient(), false).serializer())) {
      List<FlowScript> flows = new ArrayList<>();
      for (int i = 0; i < FLOWS; i++) {
        flows.add(flow(i));
        expected.add(flows.get(i).flowId);
      }
      // first half, then kill the child while it is busy with the second half
      send(producer, input, flows.subList(0, FLOWS / 2));
      await().atMost(Duration.ofSeconds(180)).until(() -> seen.size() >= FLOWS / 8);
      send(producer, input, flows.subList(FLOWS / 2, FLOWS));
      await().atMost(Duration.ofSeconds(180)).until(() -> seen.size() >= FLOWS / 4);
    }
    child.destroyForcibly();
    assertThat(child.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    int beforeRestart = seen.size();
    assertThat(beforeRestart).isLessThan(FLOWS);

    try (StreamProcessorService restarted =
        new StreamProcessorService(new ProcessorConfig(settings), Clock.systemUTC())) {
      restarted.start();
      await().atMost(Duration.ofSeconds(240)).until(() -> seen.size() >= FLOWS);
      Thread.sleep(3000); // anything doubled would show up now
    } finally {
      consuming.set(false);
      consumer.join(10_000);
    }
    assertThat(seen.keySet()).hasSize(FLOWS);
    assertThat(seen.keySet())
        .containsExactlyInAnyOrderElementsOf(expected.stream().map(UUID::toString).toList());
    assertThat(seen.values()).allSatisfy(count -> assertThat(count).isEqualTo(1));
    assertThat(notComplete).isEmpty();
  }

  private static FlowScript flow(int i) {
    FlowScript flow =
        FlowScript.start(Instant.parse("2026-11-15T10:00:00Z").plusMillis(i))
            .request(
                "POST",
                "api.anthropic.com",
                "/v1/messages",
                FlowScript.headers(
                    "x-api-key", "fp:api_key:01", "User-Agent", "claude-cli/2.1.3 (external, cli)"))
            .requestBody(Transcripts.anthropicRequest("claude-haiku-4-5", true, null))
            .response(200, FlowScript.headers("content-type", "text/event-stream"))
            .sse(Transcripts.completeStream("claude-haiku-4-5"), Duration.ofMillis(3), 3);
    return flow.end(Termination.COMPLETE);
  }

  private static void send(
      KafkaProducer<String, FlowEvent> producer, String topic, List<FlowScript> flows) {
    // interleave flows the way concurrent calls interleave on the raw topic
    int maxEvents = flows.stream().mapToInt(f -> f.events().size()).max().orElse(0);
    for (int e = 0; e < maxEvents; e++) {
      for (FlowScript flow : flows) {
        if (e < flow.events().size()) {
          FlowEvent event = flow.events().get(e);
          producer.send(new ProducerRecord<>(topic, event.getFlowId().toString(), event));
        }
      }
    }
    producer.flush();
  }

  private static void consume(
      KafkaEnvironment env,
      String output,
      Map<String, Integer> seen,
      List<String> notComplete,
      AtomicBoolean running) {
    try (KafkaConsumer<String, CallRecord> consumer =
        new KafkaConsumer<>(
            env.consumerProperties(env.uniqueName("verifier")),
            new StringDeserializer(),
            AvroSerdes.specific(CallRecord.class, env.schemaRegistryClient(), false)
                .deserializer())) {
      consumer.subscribe(List.of(output));
      while (running.get()) {
        for (ConsumerRecord<String, CallRecord> record : consumer.poll(Duration.ofMillis(200))) {
          if (record.value().getOutcome() != Outcome.COMPLETE) {
            notComplete.add(record.key() + ": " + record.value().getOutcome());
          }
          seen.merge(record.key(), 1, Integer::sum);
        }
      }
    }
  }

  private static Process launch(Map<String, String> settings, Path log) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-XX:+UseSerialGC");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(StreamProcessorMain.class.getName());
    settings.forEach((k, v) -> command.add(k + "=" + v));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }
}
