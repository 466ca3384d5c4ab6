package dev.tapwire.cli.run;

import dev.tapwire.cli.config.SettingNames;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** The Kafka client properties in a settings map: every {@code kafka.*} key, prefix removed. */
public final class KafkaClients {
  /** Serde settings that travel under {@code kafka.*} but mean nothing to a plain client. */
  private static final Set<String> SERDE_ONLY =
      Set.of("schema.registry.url", "auto.register.schemas");

  private KafkaClients() {}

  /** Properties for an admin client: {@code kafka.*} without the prefix and the serde settings. */
  public static Map<String, Object> adminProperties(Map<String, ?> settings) {
    Map<String, Object> properties = new HashMap<>();
    settings.forEach(
        (key, value) -> {
          if (key.startsWith(SettingNames.KAFKA_PREFIX)) {
            String name = key.substring(SettingNames.KAFKA_PREFIX.length());
            if (!SERDE_ONLY.contains(name)) {
              properties.put(name, value);
            }
          }
        });
    return properties;
  }
}
