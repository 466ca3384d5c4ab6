package dev.tapwire.testkit;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The container backend, used when Docker is available: the {@code apache/kafka} image (KRaft,
 * configured by Testcontainers with replication factor 1 for the offsets and transaction-state
 * topics, so exactly-once works) and Confluent's {@code cp-schema-registry} on a shared Docker
 * network. Image names can be overridden with the system properties {@value #KAFKA_IMAGE_PROPERTY}
 * and {@value #REGISTRY_IMAGE_PROPERTY}.
 */
final class ContainerKafkaBackend implements KafkaBackend {

  static final String KAFKA_IMAGE_PROPERTY = "tapwire.test.kafka.image";
  static final String REGISTRY_IMAGE_PROPERTY = "tapwire.test.schema-registry.image";
  static final String DEFAULT_KAFKA_IMAGE = "apache/kafka:4.3.1";
  static final String DEFAULT_REGISTRY_IMAGE = "confluentinc/cp-schema-registry:8.0.0";

  private static final String KAFKA_ALIAS = "kafka";
  private static final String INTERNAL_LISTENER = KAFKA_ALIAS + ":19092";
  private static final int REGISTRY_PORT = 8081;

  private final Network network;
  private final KafkaContainer kafka;
  private final GenericContainer<?> registry;

  private ContainerKafkaBackend(
      Network network, KafkaContainer kafka, GenericContainer<?> registry) {
    this.network = network;
    this.kafka = kafka;
    this.registry = registry;
  }

  /** Starts both containers; a failure stops whatever started. */
  @SuppressWarnings("resource") // closed by close() or on failure below
  static ContainerKafkaBackend start() {
    Network network = Network.newNetwork();
    KafkaContainer kafka =
        new KafkaContainer(
                DockerImageName.parse(
                    System.getProperty(KAFKA_IMAGE_PROPERTY, DEFAULT_KAFKA_IMAGE)))
            .withNetwork(network)
            .withNetworkAliases(KAFKA_ALIAS)
            .withListener(INTERNAL_LISTENER);
    GenericContainer<?> registry =
        new GenericContainer<>(
                DockerImageName.parse(
                    System.getProperty(REGISTRY_IMAGE_PROPERTY, DEFAULT_REGISTRY_IMAGE)))
            .withNetwork(network)
            .withExposedPorts(REGISTRY_PORT)
            .withEnv("SCHEMA_REGISTRY_HOST_NAME", "schema-registry")
            .withEnv("SCHEMA_REGISTRY_LISTENERS", "http://0.0.0.0:" + REGISTRY_PORT)
            .withEnv(
                "SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS", "PLAINTEXT://" + INTERNAL_LISTENER)
            .dependsOn(kafka)
            .waitingFor(Wait.forHttp("/subjects").forStatusCode(200));
    try {
      kafka.start();
      registry.start();
      return new ContainerKafkaBackend(network, kafka, registry);
    } catch (RuntimeException e) {
      registry.stop();
      kafka.stop();
      network.close();
      throw e;
    }
  }

  @Override
  public String bootstrapServers() {
    return kafka.getBootstrapServers();
  }

  @Override
  public String schemaRegistryUrl() {
    return "http://" + registry.getHost() + ":" + registry.getMappedPort(REGISTRY_PORT);
  }

  @Override
  public String description() {
    return "Testcontainers " + kafka.getDockerImageName() + ", " + registry.getDockerImageName();
  }

  @Override
  public void close() {
    registry.stop();
    kafka.stop();
    network.close();
  }
}
