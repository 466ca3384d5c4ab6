package dev.tapwire.cli.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The flags every service command shares: a config file and free-form settings. */
public final class ConfigOptions {
  @Option(
      names = TapwireDefaultProvider.CONFIG_OPTION,
      paramLabel = "FILE",
      descriptionKey = TapwireDefaultProvider.CONFIG_SETTING,
      description =
          "Properties file with dotted setting names (e.g. proxy.port=8080, kafka.linger.ms=5)."
              + " Env: TAPWIRE_CONFIG.")
  Path configFile;

  @Option(
      names = {"-s", "--set"},
      paramLabel = "NAME=VALUE",
      description =
          "Any setting by its dotted name, repeatable (e.g. --set kafka.acks=all)."
              + " Overrides the environment and the config file.")
  Map<String, String> settings = new LinkedHashMap<>();

  /** The config file given by flag or {@code TAPWIRE_CONFIG}, or null. */
  public Path configFile() {
    return configFile;
  }

  /** The {@code --set NAME=VALUE} settings, in the order given. */
  public Map<String, String> settings() {
    return settings;
  }
}
