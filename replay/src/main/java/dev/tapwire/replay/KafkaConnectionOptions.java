package dev.tapwire.replay;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The Kafka connection flags that {@code tapwire replay} and {@code tapwire schemas observe} share,
 * as a picocli mixin: {@code --bootstrap-servers}, {@code --schema-registry-url} and repeatable
 * {@code --kafka-property KEY=VALUE}. The first two carry their setting names as {@code
 * descriptionKey}, so the CLI's default provider fills them from {@code TAPWIRE_*} variables, a
 * config file or a running {@code tapwire run}.
 */
public final class KafkaConnectionOptions {

  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(
      names = "--kafka-property",
      paramLabel = "KEY=VALUE",
      description =
          "Extra Kafka client setting, repeatable (e.g. security.protocol=SSL,"
              + " ssl.truststore.location=...).")
  Map<String, String> kafkaProperties = new HashMap<>();

  @Option(
      names = "--bootstrap-servers",
      descriptionKey = "kafka.bootstrap.servers",
      description = "Kafka bootstrap servers (setting kafka.bootstrap.servers).")
  String bootstrapServers;

  @Option(
      names = "--schema-registry-url",
      descriptionKey = "kafka.schema.registry.url",
      description = "Schema registry URL (setting kafka.schema.registry.url).")
  String schemaRegistryUrl;

  /**
   * Checks that both addresses are given.
   *
   * @throws ParameterException naming the missing flag
   */
  public void requireAddresses() {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new ParameterException(mixee.commandLine(), "--bootstrap-servers is required");
    }
    if (schemaRegistryUrl == null || schemaRegistryUrl.isBlank()) {
      throw new ParameterException(mixee.commandLine(), "--schema-registry-url is required");
    }
  }

  /**
   * Returns the Kafka client settings: every {@code --kafka-property} plus the bootstrap servers.
   */
  public Map<String, Object> clientProperties() {
    Map<String, Object> client = new HashMap<>(kafkaProperties);
    client.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return client;
  }

  /** Returns the serde settings ({@code schema.registry.url}). */
  public Map<String, Object> serdeProperties() {
    return Map.of("schema.registry.url", schemaRegistryUrl);
  }
}
