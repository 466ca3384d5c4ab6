package dev.tapwire.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An invalid value is rejected before anything starts, naming the setting, with exit code 2. */
class InvalidSettingTest {
  @TempDir Path dir;

  private void assertRejected(Cli.Result result, String setting) {
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err())
        .startsWith("Invalid configuration: ")
        .contains(setting)
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
    assertThat(dir.resolve("data/kafka")).doesNotExist();
  }

  @Test
  void shouldRejectOutOfRangePortFromFlag() {
    Cli.Result result =
        Cli.run("run", "--data-dir", dir.resolve("data").toString(), "--proxy-port", "70000");

    assertRejected(result, "proxy.port");
    assertThat(result.err()).contains("70000");
  }

  @Test
  void shouldRejectNonNumericPortFromEnvironment() {
    Cli.Result result =
        Cli.run(
            Map.of("TAPWIRE_PROXY_PORT", "eighty"),
            "run",
            "--data-dir",
            dir.resolve("data").toString());

    assertRejected(result, "proxy.port");
  }

  @Test
  void shouldRejectInvalidChoiceFromConfigFile() throws Exception {
    Path file = dir.resolve("tapwire.properties");
    Files.writeString(file, "proxy.on.capture.failure=sometimes\n");

    Cli.Result result =
        Cli.run("run", "--data-dir", dir.resolve("data").toString(), "--config", file.toString());

    assertRejected(result, "proxy.on.capture.failure");
  }

  @Test
  void shouldRejectInvalidCommandSettingFromSet() {
    Cli.Result result =
        Cli.run(
            "run", "--data-dir", dir.resolve("data").toString(), "--set", "topics.partitions=0");

    assertRejected(result, "topics.partitions");
  }

  @Test
  void shouldRejectInvalidSinkSettingInSinkCommand() {
    Cli.Result result =
        Cli.run(
            Map.of("TAPWIRE_SINK_IDLE_CLOSE_MS", "0"),
            "sink",
            "--data-dir",
            dir.resolve("data").toString(),
            "--bootstrap-servers",
            "127.0.0.1:1",
            "--schema-registry-url",
            "http://127.0.0.1:1");

    assertRejected(result, "sink.idle.close.ms");
  }

  @Test
  void shouldRequireBootstrapServersForProxyAloneWithoutRunningPipeline() {
    Cli.Result result = Cli.run("proxy", "--data-dir", dir.resolve("data").toString());

    assertRejected(result, "kafka.bootstrap.servers");
  }

  @Test
  void shouldReportMissingConfigFile() {
    Cli.Result result =
        Cli.run(
            "run",
            "--data-dir",
            dir.resolve("data").toString(),
            "--config",
            dir.resolve("missing.properties").toString());

    assertRejected(result, "missing.properties");
  }
}
