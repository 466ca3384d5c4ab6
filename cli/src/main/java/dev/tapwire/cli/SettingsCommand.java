package dev.tapwire.cli;

import dev.tapwire.cli.config.CliConfig;
import dev.tapwire.cli.config.ConfigOptions;
import dev.tapwire.cli.config.ConfigSources;
import dev.tapwire.cli.config.SettingNames;
import dev.tapwire.cli.config.SettingsCatalog;
import dev.tapwire.cli.config.SettingsResolver;
import dev.tapwire.cli.state.RunState;
import dev.tapwire.cli.state.StateFile;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that runs services: it has the data directory, a config file and {@code --set}, and
 * resolves its settings with one precedence (flag &gt; environment &gt; file &gt; a running {@code
 * tapwire run}'s broker and registry &gt; default).
 */
abstract class SettingsCommand {
  private static final Logger log = LoggerFactory.getLogger(SettingsCommand.class);

  @Spec CommandSpec spec;

  @Mixin DataDirOption dataDirOption;

  @Mixin ConfigOptions configOptions;

  private final ConfigSources sources;

  SettingsCommand(ConfigSources sources) {
    this.sources = sources;
  }

  /** The data directory's layout. */
  DataDir dataDir() {
    return dataDirOption.dataDir();
  }

  /** The live {@code tapwire run} on this data directory, if any. */
  Optional<RunState> runningPipeline() {
    return new StateFile(dataDir().stateFile()).readLive();
  }

  /**
   * The user's settings (what flag, environment or file set), validated for the command's own
   * settings; unknown names are warned about.
   *
   * @param useRunningPipeline fall back to a running {@code tapwire run}'s broker and registry
   * @throws org.apache.kafka.common.config.ConfigException if a setting is invalid
   */
  Map<String, String> resolveSettings(boolean useRunningPipeline) {
    if (useRunningPipeline) {
      runningPipeline()
          .ifPresent(
              state ->
                  sources.runningDefaults(
                      Map.of(
                          "kafka.bootstrap.servers", state.bootstrapServers(),
                          "kafka.schema.registry.url", state.schemaRegistryUrl())));
    }
    SettingsResolver resolver = new SettingsResolver(sources, SettingsCatalog.names());
    Map<String, String> settings = resolver.resolve(spec, configOptions);
    Set<String> unknown = resolver.unknown(settings);
    if (!unknown.isEmpty()) {
      log.warn("ignoring unknown settings {} (see tapwire --help for the names)", unknown);
    }
    new CliConfig(settings);
    return settings;
  }

  /**
   * Checks that a service alone knows where Kafka and the registry are.
   *
   * @throws ConfigException naming the missing setting and the ways to give it
   */
  static void requireKafka(Map<String, ?> settings) {
    for (String[] required :
        new String[][] {
          {"kafka.bootstrap.servers", "--bootstrap-servers"},
          {"kafka.schema.registry.url", "--schema-registry-url"}
        }) {
      Object value = settings.get(required[0]);
      if (value == null || value.toString().isBlank()) {
        throw new ConfigException(
            required[0]
                + " is required: give "
                + required[1]
                + ", "
                + SettingNames.envName(required[0])
                + " or the config file, or start tapwire run on the same --data-dir");
      }
    }
  }

  /** The command's own settings ({@code data.dir}, ports, topics). */
  CliConfig cliConfig(Map<String, ?> settings) {
    return new CliConfig(settings);
  }
}
