package dev.tapwire.cli.config;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * Assembles the final settings of one command: config file, then {@code TAPWIRE_*} environment,
 * then {@code --set NAME=VALUE}, then the typed flags given on the command line (each flag's {@code
 * descriptionKey} is its setting name). The result is handed to the services' {@code
 * AbstractConfig} classes, which validate every value and name the setting in their error.
 */
public final class SettingsResolver {
  private final ConfigSources sources;
  private final Set<String> known;

  /**
   * @param sources environment, config file and running-pipeline state
   * @param known every setting name a service declares (see {@link SettingsCatalog})
   */
  public SettingsResolver(ConfigSources sources, Collection<String> known) {
    this.sources = sources;
    this.known = Set.copyOf(known);
  }

  /**
   * The settings of {@code spec}'s command after parsing, precedence applied.
   *
   * @param spec the parsed command (its typed flags carry {@code descriptionKey})
   * @param options its {@link ConfigOptions} mixin
   */
  public Map<String, String> resolve(CommandSpec spec, ConfigOptions options) {
    sources.configFile(options.configFile());
    Map<String, String> resolved = new TreeMap<>(sources.resolveAll(known));
    resolved.putAll(options.settings());
    ParseResult parsed = spec.commandLine() == null ? null : spec.commandLine().getParseResult();
    for (OptionSpec option : spec.options()) {
      String setting = option.descriptionKey();
      if (setting == null
          || setting.isEmpty()
          || setting.equals(TapwireDefaultProvider.CONFIG_SETTING)
          || parsed == null
          || !parsed.hasMatchedOption(option)) {
        continue;
      }
      Object value = option.getValue();
      if (value != null) {
        resolved.put(setting, render(value));
      }
    }
    return resolved;
  }

  /**
   * Setting names in {@code settings} that no service declares and that are not {@code kafka.*}.
   */
  public Set<String> unknown(Map<String, String> settings) {
    return settings.keySet().stream()
        .filter(k -> !known.contains(k) && !k.startsWith(SettingNames.KAFKA_PREFIX))
        .collect(Collectors.toCollection(java.util.TreeSet::new));
  }

  private static String render(Object value) {
    if (value instanceof Collection<?> values) {
      return values.stream().map(String::valueOf).collect(Collectors.joining(","));
    }
    return String.valueOf(value);
  }
}
