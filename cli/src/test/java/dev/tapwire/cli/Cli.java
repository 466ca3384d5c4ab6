package dev.tapwire.cli;

import dev.tapwire.cli.config.ConfigSources;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import picocli.CommandLine;

/** Runs the real {@code tapwire} command line in-process with a given environment. */
final class Cli {
  /** Exit code, standard output and standard error of one invocation. */
  record Result(int exitCode, String out, String err) {}

  private Cli() {}

  static Result run(Map<String, String> environment, String... args) {
    CommandLine commandLine = TapwireCommand.commandLine(new ConfigSources(environment));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    commandLine.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
    int exitCode = commandLine.execute(args);
    return new Result(exitCode, out.toString(), err.toString());
  }

  static Result run(String... args) {
    return run(Map.of(), args);
  }
}
