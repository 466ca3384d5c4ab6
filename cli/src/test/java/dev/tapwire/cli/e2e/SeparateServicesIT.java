package dev.tapwire.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tapwire.testkit.KafkaEnvironment;
import dev.tapwire.testkit.KafkaExtension;
import dev.tapwire.testkit.upstream.AnthropicSse;
import dev.tapwire.testkit.upstream.FakeAnthropicUpstream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The multi-process deployment docker-compose.yml describes, on the test broker and registry:
 * {@code tapwire proxy}, {@code tapwire process} and {@code tapwire sink} as three processes of the
 * built jar, each with its own data directory, configured the way the compose file does it (flags
 * plus {@code TAPWIRE_*} environment). One curl call through the proxy becomes one row.
 */
@ExtendWith(KafkaExtension.class)
class SeparateServicesIT {
  @TempDir Path work;

  @Test
  void shouldTurnACallThroughTheProxyIntoOneRowWithThreeSeparateServices(KafkaEnvironment kafka)
      throws Exception {
    try (FakeAnthropicUpstream upstream = FakeAnthropicUpstream.https()) {
      List<String> jvm = TapwireProcess.apiAnthropicOnLoopback(work);
      List<String> kafkaFlags =
          List.of(
              "--bootstrap-servers",
              kafka.bootstrapServers(),
              "--schema-registry-url",
              kafka.schemaRegistryUrl());
      Path sinkData = work.resolve("sink");
      Path upstreamCa = upstream.writeCaPem(work.resolve("upstream-ca.pem"));

      try (TapwireProcess sink =
              TapwireProcess.service(
                  work,
                  "sink",
                  jvm,
                  concat(List.of("sink", "--data-dir", sinkData.toString()), kafkaFlags),
                  Pattern.compile("tapwire sink: writing under"));
          TapwireProcess processor =
              TapwireProcess.service(
                  work,
                  "process",
                  jvm,
                  concat(
                      List.of("process", "--data-dir", work.resolve("processor").toString()),
                      kafkaFlags),
                  Pattern.compile("tapwire process: "));
          TapwireProcess proxy =
              TapwireProcess.service(
                  work,
                  "proxy",
                  jvm,
                  concat(
                      List.of(
                          "proxy",
                          "--data-dir",
                          work.resolve("proxy").toString(),
                          "--proxy-port",
                          "0",
                          "--admin-port",
                          "0",
                          "--upstream-ca",
                          upstreamCa.toString(),
                          "--set",
                          "proxy.allowed.connect.ports=" + upstream.port()),
                      kafkaFlags),
                  Pattern.compile("tapwire proxy: listening on port (\\d+)"))) {
        int proxyPort = Integer.parseInt(proxy.readyValue());
        Process curl =
            new ProcessBuilder(
                    "curl",
                    "-sS",
                    "--fail-with-body",
                    "--proxy",
                    "http://127.0.0.1:" + proxyPort,
                    "--cacert",
                    work.resolve("proxy/ca/tapwire-ca.pem").toString(),
                    "-H",
                    "x-api-key: sk-ant-api03-separate-services",
                    "-H",
                    "content-type: application/json",
                    "-H",
                    FakeAnthropicUpstream.EVENTS + ": 2",
                    "--data-binary",
                    "{\"model\":\""
                        + AnthropicSse.MODEL
                        + "\",\"max_tokens\":64,\"stream\":true,\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"hi\"}]}",
                    "https://api.anthropic.com:" + upstream.port() + "/v1/messages")
                .redirectErrorStream(true)
                .start();
        String answer = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(curl.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(curl.exitValue()).as(answer).isZero();
        assertThat(answer).contains("event: message_stop");

        JsonNode rows = awaitRows(sinkData);
        assertThat(rows).hasSize(1);
        JsonNode row = rows.get(0);
        assertThat(row.get("outcome").asText()).isEqualTo("COMPLETE");
        assertThat(row.get("output_tokens").asLong()).isEqualTo(AnthropicSse.outputTokens(2));
        assertThat(row.get("input_tokens").asLong()).isEqualTo(AnthropicSse.INPUT_TOKENS);
        assertThat(row.get("cost_status").asText()).isEqualTo("PRICED");

        // Re-derive from the raw topic: replay into tapwire.flows.replay.it, then a second
        // processor (its own application id) writes tapwire.calls.replay.it.
        java.time.Instant now = java.time.Instant.now();
        TapwireProcess.Result replay =
            TapwireProcess.oneShot(
                concat(
                    List.of(
                        "replay",
                        "--data-dir",
                        work.resolve("replay").toString(),
                        "--from",
                        now.minus(java.time.Duration.ofHours(1)).toString(),
                        "--to",
                        now.plus(java.time.Duration.ofMinutes(1)).toString(),
                        "--flow-margin",
                        "PT1S",
                        "--target",
                        "it"),
                    kafkaFlags));
        assertThat(replay.exitCode()).as(replay.err()).isZero();
        try (TapwireProcess replayProcessor =
            TapwireProcess.service(
                work,
                "process-replay",
                jvm,
                concat(
                    List.of(
                        "process",
                        "--data-dir",
                        work.resolve("processor").toString(),
                        "--input",
                        "tapwire.flows.replay.it",
                        "--output",
                        "tapwire.calls.replay.it"),
                    kafkaFlags),
                Pattern.compile("tapwire process: (.*)"))) {
          assertThat(replayProcessor.readyValue())
              .startsWith(
                  "tapwire.flows.replay.it -> tapwire.calls.replay.it as"
                      + " tapwire-processor.tapwire.flows.replay.it");
          assertThat(awaitCommittedRecords(kafka, "tapwire.calls.replay.it", 1)).isEqualTo(1);
        }
      }
    }
  }

  private static JsonNode awaitRows(Path sinkData) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    TapwireProcess.Result last = null;
    while (System.nanoTime() < deadline) {
      if (Files.isDirectory(sinkData.resolve("parquet/calls"))) {
        last =
            TapwireProcess.oneShot(
                List.of(
                    "sql",
                    "--data-dir",
                    sinkData.toString(),
                    "--format",
                    "json",
                    "SELECT CAST(outcome AS VARCHAR) AS outcome, usage.input_tokens AS"
                        + " input_tokens, usage.output_tokens AS output_tokens,"
                        + " CAST(cost.status AS VARCHAR) AS cost_status FROM calls"));
        if (last.exitCode() == 0) {
          JsonNode rows = new ObjectMapper().readTree(last.out());
          if (rows.size() > 0) {
            return rows;
          }
        }
      }
      Thread.sleep(1000);
    }
    throw new AssertionError(
        "no call row within 90 s" + (last == null ? "" : ": " + last.err() + last.out()));
  }

  /** Counts the committed records of {@code topic} until {@code expected} are there (90 s). */
  private static long awaitCommittedRecords(KafkaEnvironment kafka, String topic, int expected)
      throws InterruptedException {
    java.util.Map<String, Object> props =
        new java.util.HashMap<>(kafka.consumerProperties(kafka.uniqueName("count")));
    props.put("isolation.level", "read_committed");
    props.put("auto.offset.reset", "earliest");
    props.put(
        "key.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class);
    props.put(
        "value.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class);
    long count = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    try (org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> consumer =
        new org.apache.kafka.clients.consumer.KafkaConsumer<>(props)) {
      consumer.subscribe(List.of(topic));
      while (System.nanoTime() < deadline && count < expected) {
        count += consumer.poll(java.time.Duration.ofMillis(500)).count();
      }
      // a little longer, to see a duplicate if there were one
      long settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
      while (System.nanoTime() < settle) {
        count += consumer.poll(java.time.Duration.ofMillis(500)).count();
      }
    }
    return count;
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new java.util.ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
