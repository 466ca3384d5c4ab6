package dev.tapwire.cli;

import picocli.CommandLine.Command;

/** Placeholder until the service lands. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "TODO")
final class StatusCommand implements Runnable {
  @Override
  public void run() {
    throw new UserError("not yet available");
  }
}
