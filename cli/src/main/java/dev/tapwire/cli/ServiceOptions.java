package dev.tapwire.cli;

import picocli.CommandLine.Option;

/**
 * Where a service alone finds Kafka and the schema registry. Without these flags (and without
 * {@code TAPWIRE_KAFKA_BOOTSTRAP_SERVERS} / the config file), the values of a {@code tapwire run}
 * that is up on the same data directory are used.
 */
public final class ServiceOptions {
  @Option(
      names = "--bootstrap-servers",
      paramLabel = "HOST:PORT[,…]",
      descriptionKey = "kafka.bootstrap.servers",
      description =
          "Kafka bootstrap servers. Env: TAPWIRE_KAFKA_BOOTSTRAP_SERVERS; setting"
              + " kafka.bootstrap.servers.")
  String bootstrapServers;

  @Option(
      names = "--schema-registry-url",
      paramLabel = "URL",
      descriptionKey = "kafka.schema.registry.url",
      description =
          "Confluent-compatible schema registry. Env: TAPWIRE_KAFKA_SCHEMA_REGISTRY_URL; setting"
              + " kafka.schema.registry.url.")
  String schemaRegistryUrl;
}
