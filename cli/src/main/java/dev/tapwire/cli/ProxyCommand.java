package dev.tapwire.cli;

import picocli.CommandLine.Command;

/** Placeholder until the service lands. */
@Command(name = "proxy", mixinStandardHelpOptions = true, description = "TODO")
final class ProxyCommand implements Runnable {
  @Override
  public void run() {
    throw new UserError("not yet available");
  }
}
