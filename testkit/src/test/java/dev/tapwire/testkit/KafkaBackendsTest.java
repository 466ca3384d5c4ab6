package dev.tapwire.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.tapwire.testkit.KafkaBackends.Mode;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;

class KafkaBackendsTest {

  @Test
  void shouldParseModeCaseInsensitivelyAndDefaultToAuto() {
    assertThat(Mode.parse(null)).isEqualTo(Mode.AUTO);
    assertThat(Mode.parse(" ")).isEqualTo(Mode.AUTO);
    assertThat(Mode.parse("Embedded")).isEqualTo(Mode.EMBEDDED);
    assertThat(Mode.parse("testcontainers")).isEqualTo(Mode.TESTCONTAINERS);
  }

  @Test
  void shouldRejectUnknownModeNamingTheProperty() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Mode.parse("docker"))
        .withMessageContaining("tapwire.test.kafka")
        .withMessageContaining("docker");
  }

  @Test
  void shouldRefuseForcedTestcontainersModeWhenDockerIsMissing() {
    assumeFalse(
        DockerClientFactory.instance().isDockerAvailable(), "only meaningful without Docker");
    String previous = System.getProperty(KafkaBackends.MODE_PROPERTY);
    System.setProperty(KafkaBackends.MODE_PROPERTY, "testcontainers");
    try {
      assertThatIllegalStateException()
          .isThrownBy(KafkaBackends::start)
          .withMessageContaining("Docker is not available");
    } finally {
      if (previous == null) {
        System.clearProperty(KafkaBackends.MODE_PROPERTY);
      } else {
        System.setProperty(KafkaBackends.MODE_PROPERTY, previous);
      }
    }
  }
}
