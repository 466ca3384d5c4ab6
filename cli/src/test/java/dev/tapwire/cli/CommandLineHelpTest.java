package dev.tapwire.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommandLineHelpTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "run",
        "proxy",
        "process",
        "sink",
        "ca",
        "env",
        "sql",
        "status",
        "replay",
        "schemas",
        "settings"
      })
  void shouldPrintHelpForEverySubcommand(String subcommand) {
    Cli.Result result = Cli.run(subcommand, "--help");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).startsWith("Usage: tapwire " + subcommand);
  }

  @Test
  void shouldListSubcommandsInTopLevelHelp() {
    Cli.Result result = Cli.run("--help");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out())
        .contains("run", "proxy", "process", "sink", "ca", "env", "sql", "status")
        .contains("flag beats its TAPWIRE_* environment variable");
  }

  @Test
  void shouldPrintVersion() {
    Cli.Result result = Cli.run("--version");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).startsWith("tapwire ");
  }

  @Test
  void shouldRejectUnknownOptionWithUsageExitCode() {
    Cli.Result result = Cli.run("sql", "--no-such-flag", "SELECT 1");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("Unknown option: '--no-such-flag'");
  }

  @Test
  void shouldRejectUnknownOutputFormat() {
    Cli.Result result = Cli.run("sql", "--format", "xml", "SELECT 1");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("--format").contains("xml");
  }

  @Test
  void shouldPrintSettingsReferenceFromTheServiceDefinitions() {
    Cli.Result result = Cli.run("settings");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out())
        .contains("| `proxy.port` | `TAPWIRE_PROXY_PORT` | int | `8080` | [0,...,65535] |")
        .contains("| `spool.dir` | `TAPWIRE_SPOOL_DIR` | string | (required) |")
        .contains("| `sink.audit.jdbc.password` | `TAPWIRE_SINK_AUDIT_JDBC_PASSWORD` | password |")
        .contains("#### processor")
        .contains("| `data.dir` | `TAPWIRE_DATA_DIR` |");
  }
}
