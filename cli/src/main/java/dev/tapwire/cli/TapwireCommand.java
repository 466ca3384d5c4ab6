package dev.tapwire.cli;

import dev.tapwire.cli.config.ConfigSources;
import dev.tapwire.cli.config.TapwireDefaultProvider;
import dev.tapwire.replay.ReplayCommand;
import dev.tapwire.replay.observe.SchemasCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code tapwire} command. {@code main} only wires: it builds the command line with the
 * settings sources of this process and exits with the subcommand's exit code (0 success, 1 runtime
 * failure, 2 invalid usage or configuration).
 */
@Command(
    name = "tapwire",
    mixinStandardHelpOptions = true,
    versionProvider = TapwireVersion.class,
    description = "An audit pipeline for LLM API traffic.",
    subcommands = {
      RunCommand.class,
      ProxyCommand.class,
      ProcessCommand.class,
      SinkCommand.class,
      CaCommand.class,
      EnvCommand.class,
      SqlCommand.class,
      StatusCommand.class,
      SettingsReferenceCommand.class,
      ReplayCommand.class,
      SchemasCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {
      "",
      "Settings: a flag beats its TAPWIRE_* environment variable, which beats the --config file,"
          + " which beats the built-in default. Any kafka.* setting is passed to the Kafka clients."
    })
public final class TapwireCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing subcommand");
  }

  /**
   * The command line with every subcommand, reading settings from {@code sources}.
   *
   * @param sources environment and config file (tests pass their own environment)
   */
  public static CommandLine commandLine(ConfigSources sources) {
    CommandLine commandLine = new CommandLine(new TapwireCommand(), new CommandFactory(sources));
    commandLine.setDefaultValueProvider(new TapwireDefaultProvider(sources));
    commandLine.setExecutionExceptionHandler(new FailureHandler());
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    return commandLine;
  }

  /** Runs {@code tapwire} with {@code args} and exits with its exit code. */
  public static void main(String[] args) {
    int exitCode = commandLine(ConfigSources.fromSystem()).execute(args);
    System.exit(exitCode);
  }
}
