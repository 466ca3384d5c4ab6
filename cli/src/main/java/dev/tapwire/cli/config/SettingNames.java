package dev.tapwire.cli.config;

import java.util.Locale;
import java.util.Optional;

/**
 * The one naming rule that ties a setting's three spellings together: the dotted name used by the
 * service configurations and the config file ({@code proxy.port}), the environment variable ({@code
 * TAPWIRE_PROXY_PORT}) and the command-line flag ({@code --proxy-port}, declared with {@code
 * descriptionKey = "proxy.port"}).
 */
public final class SettingNames {
  /** Prefix of every environment variable Tapwire reads. */
  public static final String ENV_PREFIX = "TAPWIRE_";

  /** Settings under this prefix are passed, without it, to the Kafka clients. */
  public static final String KAFKA_PREFIX = "kafka.";

  private SettingNames() {}

  /** {@code proxy.port} → {@code TAPWIRE_PROXY_PORT}; dots and dashes become underscores. */
  public static String envName(String setting) {
    return ENV_PREFIX + setting.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /**
   * The {@code kafka.*} setting an environment variable stands for: {@code
   * TAPWIRE_KAFKA_SASL_MECHANISM} → {@code kafka.sasl.mechanism}. Kafka client property names are
   * lower case and dotted, so the mapping is unambiguous for them; other variables give empty.
   */
  public static Optional<String> kafkaSettingForEnv(String envName) {
    String kafkaEnvPrefix = envName(KAFKA_PREFIX);
    if (!envName.startsWith(kafkaEnvPrefix) || envName.length() == kafkaEnvPrefix.length()) {
      return Optional.empty();
    }
    return Optional.of(
        envName.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.'));
  }
}
