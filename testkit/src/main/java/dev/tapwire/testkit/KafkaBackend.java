package dev.tapwire.testkit;

/**
 * A running Kafka broker plus a Confluent-REST-compatible schema registry, however they were
 * provided (containers or in-process). Closing stops both and releases their storage.
 */
interface KafkaBackend extends AutoCloseable {

  /** {@code host:port} for a client's {@code bootstrap.servers}. */
  String bootstrapServers();

  /** Base URL of the schema registry, e.g. {@code http://127.0.0.1:8081}, no trailing slash. */
  String schemaRegistryUrl();

  /** A short description for logs, e.g. {@code "embedded KRaft broker"}. */
  String description();

  @Override
  void close() throws Exception;
}
