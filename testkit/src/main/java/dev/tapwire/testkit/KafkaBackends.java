package dev.tapwire.testkit;

import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

/**
 * Chooses and starts the {@link KafkaBackend} for this test JVM.
 *
 * <p>The system property {@value #MODE_PROPERTY} decides: {@code embedded} (in-process broker and
 * registry), {@code testcontainers} (Docker containers; fails if Docker is not available), or
 * unset/{@code auto}: containers when {@code DockerClientFactory.isDockerAvailable()}, the embedded
 * backend otherwise. Either way every test runs; nothing is skipped for lack of Docker.
 */
final class KafkaBackends {

  /**
   * System property selecting the backend: {@code embedded}, {@code testcontainers}, {@code auto}.
   */
  static final String MODE_PROPERTY = "tapwire.test.kafka";

  private static final Logger LOG = LoggerFactory.getLogger(KafkaBackends.class);

  private KafkaBackends() {}

  /** The backends a test JVM can run on. */
  enum Mode {
    AUTO,
    EMBEDDED,
    TESTCONTAINERS;

    static Mode parse(String value) {
      if (value == null || value.isBlank()) {
        return AUTO;
      }
      try {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            MODE_PROPERTY + " must be embedded, testcontainers or auto, was '" + value + "'", e);
      }
    }
  }

  /**
   * Starts the backend selected by {@value #MODE_PROPERTY}.
   *
   * @throws IllegalStateException if {@code testcontainers} is forced but Docker is unavailable
   * @throws Exception if the chosen backend fails to start
   */
  static KafkaBackend start() throws Exception {
    Mode mode = Mode.parse(System.getProperty(MODE_PROPERTY));
    Mode resolved =
        mode == Mode.AUTO ? (dockerAvailable() ? Mode.TESTCONTAINERS : Mode.EMBEDDED) : mode;
    if (resolved == Mode.TESTCONTAINERS && mode == Mode.TESTCONTAINERS && !dockerAvailable()) {
      throw new IllegalStateException(
          MODE_PROPERTY + "=testcontainers but Docker is not available to Testcontainers");
    }
    KafkaBackend backend =
        resolved == Mode.TESTCONTAINERS
            ? ContainerKafkaBackend.start()
            : EmbeddedKafkaBackend.start();
    LOG.info("Kafka test backend ({} mode): {}", mode, backend.description());
    return backend;
  }

  private static boolean dockerAvailable() {
    return DockerClientFactory.instance().isDockerAvailable();
  }
}
