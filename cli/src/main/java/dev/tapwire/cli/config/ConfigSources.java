package dev.tapwire.cli.config;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.common.config.ConfigException;

/**
 * The places a setting can come from besides a command-line flag, in precedence order: the
 * environment ({@code TAPWIRE_*}), then an optional properties file with the dotted names, then the
 * state file of a running {@code tapwire run} (bootstrap servers and registry url only).
 *
 * <p>Not thread-safe; one instance per command-line invocation.
 */
public final class ConfigSources {
  private final Map<String, String> environment;
  private Path configFile;
  private Map<String, String> fileSettings;
  private Map<String, String> runningDefaults = Map.of();

  /**
   * @param environment the process environment (tests pass their own map)
   */
  public ConfigSources(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  /** Sources reading {@link System#getenv()}. */
  public static ConfigSources fromSystem() {
    return new ConfigSources(System.getenv());
  }

  /** Sets the properties file to read (may be null: no file); read lazily on first use. */
  public void configFile(Path file) {
    if (file == null ? configFile != null : !file.equals(configFile)) {
      this.configFile = file;
      this.fileSettings = null;
    }
  }

  /** Values to use when neither flag, environment nor file sets them (from a running pipeline). */
  public void runningDefaults(Map<String, String> values) {
    this.runningDefaults = Map.copyOf(values);
  }

  /** The environment variable named {@code name}, if set and not blank. */
  public Optional<String> env(String name) {
    String value = environment.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
  }

  /**
   * The value of {@code setting} from the environment, else the config file, else the running
   * pipeline's state; empty if none sets it.
   *
   * @throws ConfigException if the config file cannot be read
   */
  public Optional<String> lookup(String setting) {
    Optional<String> fromEnv = env(SettingNames.envName(setting));
    if (fromEnv.isPresent()) {
      return fromEnv;
    }
    String fromFile = fileSettings().get(setting);
    if (fromFile != null) {
      return Optional.of(fromFile);
    }
    return Optional.ofNullable(runningDefaults.get(setting));
  }

  /**
   * Every setting these sources give a value to, with precedence applied (environment over file
   * over running state): all keys of the config file, the environment variables of the {@code
   * known} settings, and every {@code TAPWIRE_KAFKA_*} variable.
   */
  public Map<String, String> resolveAll(Collection<String> known) {
    Map<String, String> resolved = new TreeMap<>(runningDefaults);
    resolved.putAll(fileSettings());
    for (String setting : known) {
      env(SettingNames.envName(setting)).ifPresent(v -> resolved.put(setting, v));
    }
    environment.forEach(
        (name, value) ->
            SettingNames.kafkaSettingForEnv(name)
                .filter(s -> !value.isBlank())
                .ifPresent(s -> resolved.put(s, value)));
    return resolved;
  }

  /** The config file's settings (empty without a file). */
  public Map<String, String> fileSettings() {
    if (fileSettings == null) {
      fileSettings = configFile == null ? Map.of() : readProperties(configFile);
    }
    return fileSettings;
  }

  private static Map<String, String> readProperties(Path file) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (NoSuchFileException e) {
      throw new ConfigException("config file not found: " + file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read config file " + file, e);
    }
    Map<String, String> settings = new LinkedHashMap<>();
    for (String name : properties.stringPropertyNames()) {
      settings.put(name.trim(), properties.getProperty(name).trim());
    }
    return settings;
  }
}
