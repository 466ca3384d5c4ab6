package dev.tapwire.cli;

import picocli.CommandLine.Command;

/** Placeholder until the service lands. */
@Command(name = "sink", mixinStandardHelpOptions = true, description = "TODO")
final class SinkCommand implements Runnable {
  @Override
  public void run() {
    throw new UserError("not yet available");
  }
}
