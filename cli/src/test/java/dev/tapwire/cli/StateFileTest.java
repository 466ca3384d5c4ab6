package dev.tapwire.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.cli.state.RunState;
import dev.tapwire.cli.state.StateFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateFileTest {
  @TempDir Path dir;

  private static RunState state(long pid, int proxyPort) {
    return new RunState(
        pid,
        "127.0.0.1:39092",
        "http://127.0.0.1:38081",
        "127.0.0.1",
        proxyPort,
        9464,
        "/data/ca/tapwire-ca.pem",
        Instant.parse("2026-11-21T20:00:00Z"));
  }

  @Test
  void shouldReadBackWhatWasWrittenWhileProcessIsAlive() {
    StateFile file = new StateFile(dir.resolve("tapwire.state.json"));
    RunState written = state(ProcessHandle.current().pid(), 18080);

    file.write(written);

    assertThat(file.readLive()).contains(written);
  }

  @Test
  void shouldIgnoreStateFileOfDeadProcess() {
    StateFile file = new StateFile(dir.resolve("tapwire.state.json"), pid -> false);
    file.write(state(4242, 18080));

    assertThat(file.readLive()).isEmpty();
  }

  @Test
  void shouldTreatMissingAndUnreadableFilesAsAbsent() throws Exception {
    StateFile file = new StateFile(dir.resolve("tapwire.state.json"));
    assertThat(file.readLive()).isEmpty();

    Files.writeString(file.path(), "{not json");
    assertThat(file.readLive()).isEmpty();
  }

  @Test
  void shouldLetEnvUseTheRunningProxyPort() {
    new StateFile(dir.resolve("tapwire.state.json"))
        .write(state(ProcessHandle.current().pid(), 18123));

    Cli.Result result = Cli.run("env", "--data-dir", dir.toString());

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out()).contains("export HTTPS_PROXY=http://127.0.0.1:18123\n");
  }

  @Test
  void shouldDeleteStateFile() {
    StateFile file = new StateFile(dir.resolve("tapwire.state.json"));
    file.write(state(ProcessHandle.current().pid(), 1));

    file.delete();

    assertThat(dir.resolve("tapwire.state.json")).doesNotExist();
  }

  @Test
  void shouldGiveSubcommandsTheRunningPipelinesBrokerAndRegistry() {
    new StateFile(dir.resolve("tapwire.state.json")).write(state(ProcessHandle.current().pid(), 1));

    for (String[] args :
        new String[][] {
          {"process", "--data-dir", dir.toString()},
          {
            "replay",
            "--data-dir",
            dir.toString(),
            "--from",
            "2026-11-20",
            "--to",
            "2026-11-21",
            "--target",
            "t1"
          }
        }) {
      picocli.CommandLine cli =
          TapwireCommand.commandLine(new dev.tapwire.cli.config.ConfigSources(java.util.Map.of()));
      picocli.CommandLine.ParseResult parsed = cli.parseArgs(args);
      while (parsed.hasSubcommand()) {
        parsed = parsed.subcommand();
      }
      assertThat(parsed.commandSpec().findOption("--bootstrap-servers").<String>getValue())
          .as(String.join(" ", args))
          .isEqualTo("127.0.0.1:39092");
      assertThat(parsed.commandSpec().findOption("--schema-registry-url").<String>getValue())
          .isEqualTo("http://127.0.0.1:38081");
    }
  }

  @Test
  void shouldNotUseStateOfDeadPipeline() {
    new StateFile(dir.resolve("tapwire.state.json")).write(state(Long.MAX_VALUE - 1, 1));

    picocli.CommandLine cli =
        TapwireCommand.commandLine(new dev.tapwire.cli.config.ConfigSources(java.util.Map.of()));
    picocli.CommandLine.ParseResult parsed = cli.parseArgs("process", "--data-dir", dir.toString());

    assertThat(
            parsed.subcommand().commandSpec().findOption("--bootstrap-servers").<String>getValue())
        .isNull();
  }

  @Test
  void shouldRefuseASecondRunOnTheSameDataDir() {
    new StateFile(dir.resolve("tapwire.state.json"))
        .write(state(ProcessHandle.current().pid(), 18123));

    Cli.Result result = Cli.run("run", "--data-dir", dir.toString());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .contains("tapwire run is already running on " + dir.toAbsolutePath().normalize())
        .contains("proxy port 18123");
    assertThat(dir.resolve("kafka")).doesNotExist();
  }
}
