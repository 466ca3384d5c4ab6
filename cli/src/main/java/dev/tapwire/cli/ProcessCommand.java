package dev.tapwire.cli;

import picocli.CommandLine.Command;

/** Placeholder until the service lands. */
@Command(name = "process", mixinStandardHelpOptions = true, description = "TODO")
final class ProcessCommand implements Runnable {
  @Override
  public void run() {
    throw new UserError("not yet available");
  }
}
