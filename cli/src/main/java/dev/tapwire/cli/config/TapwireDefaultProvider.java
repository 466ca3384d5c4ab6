package dev.tapwire.cli.config;

import dev.tapwire.cli.state.StateFile;
import java.nio.file.Path;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Supplies the value of every flag that was not given on the command line from the environment,
 * then the config file (then a running pipeline's state), so a setting has one precedence: flag
 * &gt; {@code TAPWIRE_*} environment variable &gt; config file &gt; built-in default.
 *
 * <p>A flag takes part when it is declared with {@code descriptionKey} = its dotted setting name
 * (e.g. {@code @Option(names = "--proxy-port", descriptionKey = "proxy.port")}). picocli asks for
 * defaults after parsing, so the {@code --config} flag of the same command is already known here.
 */
public final class TapwireDefaultProvider implements IDefaultValueProvider {
  /** The setting name of the {@code --config} flag itself (environment {@code TAPWIRE_CONFIG}). */
  public static final String CONFIG_SETTING = "config";

  /** The flag naming the config file, on every command that takes settings. */
  public static final String CONFIG_OPTION = "--config";

  /** Settings a running {@code tapwire run} supplies through its state file. */
  private static final java.util.Set<String> RUNNING_PIPELINE_SETTINGS =
      java.util.Set.of("kafka.bootstrap.servers", "kafka.schema.registry.url");

  private final ConfigSources sources;

  /**
   * @param sources where values come from
   */
  public TapwireDefaultProvider(ConfigSources sources) {
    this.sources = sources;
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    if (!(arg instanceof OptionSpec option)) {
      return null;
    }
    String setting = option.descriptionKey();
    if (setting == null || setting.isEmpty()) {
      return null;
    }
    if (setting.equals(CONFIG_SETTING)) {
      return sources.env(SettingNames.envName(CONFIG_SETTING)).orElse(null);
    }
    if (arg.command() != null) {
      sources.configFile(configFileOf(arg.command().findOption(CONFIG_OPTION)));
    }
    try {
      String value = sources.lookup(setting).orElse(null);
      if (value == null && RUNNING_PIPELINE_SETTINGS.contains(setting) && arg.command() != null) {
        value = fromRunningPipeline(arg.command(), setting);
      }
      return value;
    } catch (ConfigException unreadableFile) {
      // Reported when the command resolves its settings (SettingsResolver reads the file again
      // and throws), so the user sees "Invalid configuration: …" and exit code 2, not a usage
      // error about an argument.
      return null;
    }
  }

  /**
   * The broker or registry of a {@code tapwire run} that is up on the command's data directory
   * ({@code --data-dir}, else {@code TAPWIRE_DATA_DIR}, else the default), from its state file.
   */
  private String fromRunningPipeline(
      picocli.CommandLine.Model.CommandSpec command, String setting) {
    OptionSpec dataDirOption = command.findOption("--data-dir");
    Object dataDir = dataDirOption == null ? null : dataDirOption.getValue();
    Path root =
        dataDir != null
            ? Path.of(dataDir.toString())
            : Path.of(sources.lookup(CliConfig.DATA_DIR).orElse(CliConfig.DEFAULT_DATA_DIR));
    return new StateFile(root.resolve(StateFile.FILE_NAME))
        .readLive()
        .map(
            state ->
                setting.equals("kafka.bootstrap.servers")
                    ? state.bootstrapServers()
                    : state.schemaRegistryUrl())
        .orElse(null);
  }

  private Path configFileOf(OptionSpec configOption) {
    if (configOption != null && configOption.getValue() != null) {
      return Path.of(configOption.getValue().toString());
    }
    return sources.env(SettingNames.envName(CONFIG_SETTING)).map(Path::of).orElse(null);
  }
}
