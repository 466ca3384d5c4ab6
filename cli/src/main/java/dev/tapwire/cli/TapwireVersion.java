package dev.tapwire.cli;

import picocli.CommandLine.IVersionProvider;

/** {@code tapwire --version}: the Implementation-Version of the jar's manifest. */
public final class TapwireVersion implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = TapwireCommand.class.getPackage().getImplementationVersion();
    return new String[] {
      "tapwire " + (version == null ? "(development build)" : version),
      "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"
    };
  }
}
