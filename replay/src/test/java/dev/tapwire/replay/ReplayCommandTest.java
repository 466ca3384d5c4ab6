package dev.tapwire.replay;

import static dev.tapwire.replay.FlowBuilder.headers;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.avro.FlowEvent;
import dev.tapwire.schemas.Topics;
import dev.tapwire.testkit.KafkaEnvironment;
import dev.tapwire.testkit.KafkaExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code tapwire replay} as the CLI runs it: flags, progress on stderr, summary on stdout. */
@ExtendWith(KafkaExtension.class)
class ReplayCommandTest {
  @TempDir Path dataDir;

  private final Instant t0 = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(1));

  private record Run(int exitCode, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new ReplayCommand());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  private static List<FlowEvent> flow(Instant start, String path) {
    return FlowBuilder.start(start)
        .request("POST", "api.anthropic.com", path, headers("User-Agent", "curl/8.5.0"))
        .requestBody("{}")
        .response(200, headers("Content-Type", "application/json"))
        .responseBody("{}")
        .end()
        .events();
  }

  @Test
  void shouldPrintProgressAndSummaryAndCopyNothingOnTheSecondRun(KafkaEnvironment env) {
    String raw = env.uniqueName("raw");
    env.createTopic(raw, 4);
    RawTopic.produce(
        env,
        raw,
        List.of(
            flow(t0.plusSeconds(1), "/v1/messages"),
            flow(t0.plusSeconds(2), "/v1/messages/count_tokens"),
            flow(t0.plusSeconds(3), "/api/hello")));
    String name = env.uniqueName("cli");
    String[] args = {
      "--from",
      t0.toString(),
      "--to",
      t0.plusSeconds(60).toString(),
      "--path-prefix",
      "/v1/messages",
      "--target",
      name,
      "--input-topic",
      raw,
      "--progress-interval",
      "PT0S",
      "--bootstrap-servers",
      env.bootstrapServers(),
      "--schema-registry-url",
      env.schemaRegistryUrl()
    };

    Run first = run(args);
    Run second = run(args);

    assertThat(first.exitCode()).as(first.err()).isZero();
    assertThat(first.out())
        .contains("2 flows copied (0 incomplete), 0 skipped as already present, 10 events")
        .contains("target: " + Topics.flowsReplay(name));
    assertThat(first.err())
        .contains("[replay] [")
        .contains("% ")
        .contains("flows copied")
        .contains("/s)");
    assertThat(second.exitCode()).isZero();
    assertThat(second.out())
        .contains("0 flows copied (0 incomplete), 2 skipped as already present");
    assertThat(RawTopic.read(env, Topics.flowsReplay(name))).hasSize(2);
  }

  @Test
  void shouldReplayFromTheParquetArchiveUnderTheDataDirectory(KafkaEnvironment env)
      throws Exception {
    List<FlowEvent> in = flow(t0.plusSeconds(5), "/v1/messages");
    List<FlowEvent> out = flow(t0.plusSeconds(120), "/v1/messages");
    ParquetArchive.write(dataDir.resolve("parquet"), List.of(in, out));
    String name = env.uniqueName("cli-parquet");

    Run run =
        run(
            "--from", t0.toString(),
            "--to", t0.plusSeconds(60).toString(),
            "--target", name,
            "--source", "parquet",
            "--data-dir", dataDir.toString(),
            "--progress-interval", "PT0S",
            "--bootstrap-servers", env.bootstrapServers(),
            "--schema-registry-url", env.schemaRegistryUrl());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("1 flows copied (0 incomplete), 0 skipped as already present, 5 events");
    // Non-terminal: plain lines; the count query planned exactly the 5 rows of the selected flow.
    assertThat(run.err()).contains("[replay] [####################] 100% 5 records scanned");
    assertThat(RawTopic.read(env, Topics.flowsReplay(name)).keySet())
        .containsExactly(in.get(0).getFlowId().toString());
  }

  @Test
  void shouldRejectAnEmptyRangeAsUsageError() {
    Run run =
        run(
            "--from", "2026-11-15",
            "--to", "2026-11-15",
            "--target", "x",
            "--bootstrap-servers", "127.0.0.1:1",
            "--schema-registry-url", "http://127.0.0.1:1");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--to (2026-11-15T00:00:00Z) must be after --from");
    Run badName =
        run(
            "--from", "2026-11-15",
            "--to", "2026-11-16",
            "--target", "no spaces",
            "--bootstrap-servers", "127.0.0.1:1",
            "--schema-registry-url", "http://127.0.0.1:1");
    assertThat(badName.exitCode()).isEqualTo(2);
    assertThat(badName.err()).contains("--target: replay name must be");
  }
}
