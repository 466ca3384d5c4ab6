package dev.tapwire.replay.observe;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code tapwire schemas}: the wire-schema tools; see {@link ObserveCommand}. */
@Command(
    name = "schemas",
    mixinStandardHelpOptions = true,
    description = "Observe the JSON wire schema of API traffic and report drift.",
    subcommands = {ObserveCommand.class})
public final class SchemasCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing subcommand (observe)");
  }
}
