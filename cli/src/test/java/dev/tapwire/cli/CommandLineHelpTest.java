package dev.tapwire.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommandLineHelpTest {
  @ParameterizedTest
  @ValueSource(strings = {"run", "proxy", "process", "sink", "ca", "env", "sql", "status"})
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
}
