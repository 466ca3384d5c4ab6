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
      Path hosts = work.resolve("hosts");
      Files.writeString(
          hosts,
          "127.0.0.1 api.anthropic.com localhost "
              + java.net.InetAddress.getLocalHost().getHostName()
              + "\n");
      List<String> jvm = List.of("-Djdk.net.hosts.file=" + hosts);
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

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new java.util.ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
