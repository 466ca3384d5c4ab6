package dev.tapwire.cli;

import picocli.CommandLine.Command;

/** Placeholder until the service lands. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "TODO")
final class RunCommand implements Runnable {
  @Override
  public void run() {
    throw new UserError("not yet available");
  }
}
