package dev.tapwire.testkit;

import dev.tapwire.embedded.kafka.EmbeddedKafkaBroker;
import dev.tapwire.embedded.registry.EmbeddedSchemaRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The in-process backend: Tapwire's {@link EmbeddedKafkaBroker} on a fresh temporary data directory
 * and an {@link EmbeddedSchemaRegistry} bound to a free port on {@code 127.0.0.1}. The directory is
 * deleted on {@link #close()}.
 */
final class EmbeddedKafkaBackend implements KafkaBackend {

  private final Path dataDir;
  private final EmbeddedKafkaBroker broker;
  private final EmbeddedSchemaRegistry registry;

  private EmbeddedKafkaBackend(
      Path dataDir, EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry) {
    this.dataDir = dataDir;
    this.broker = broker;
    this.registry = registry;
  }

  /**
   * Starts the broker, then the registry on it.
   *
   * @throws Exception if either fails to start; whatever did start is closed again
   */
  static EmbeddedKafkaBackend start() throws Exception {
    Path dataDir = Files.createTempDirectory("tapwire-test-kafka-");
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDir(dataDir).port(0).build();
    EmbeddedSchemaRegistry registry = null;
    try {
      broker.start();
      registry =
          new EmbeddedSchemaRegistry(
              broker.bootstrapServers(), new InetSocketAddress("127.0.0.1", 0));
      registry.start();
      return new EmbeddedKafkaBackend(dataDir, broker, registry);
    } catch (Exception | Error e) {
      closeAll(registry, broker, dataDir, e);
      throw e;
    }
  }

  @Override
  public String bootstrapServers() {
    return broker.bootstrapServers();
  }

  @Override
  public String schemaRegistryUrl() {
    return registry.url();
  }

  @Override
  public String description() {
    return "embedded KRaft broker " + broker.bootstrapServers() + ", registry " + registry.url();
  }

  @Override
  public void close() throws Exception {
    Exception failure = new Exception("Closing the embedded Kafka backend failed");
    closeAll(registry, broker, dataDir, failure);
    if (failure.getSuppressed().length > 0) {
      throw failure;
    }
  }

  private static void closeAll(
      EmbeddedSchemaRegistry registry, EmbeddedKafkaBroker broker, Path dataDir, Throwable sink) {
    if (registry != null) {
      try {
        registry.close();
      } catch (Exception e) {
        sink.addSuppressed(e);
      }
    }
    try {
      broker.close();
    } catch (RuntimeException e) {
      sink.addSuppressed(e);
    }
    try {
      deleteRecursively(dataDir);
    } catch (IOException e) {
      sink.addSuppressed(e);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
