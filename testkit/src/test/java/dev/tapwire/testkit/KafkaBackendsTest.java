package dev.tapwire.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.tapwire.testkit.KafkaBackends.Mode;
import org.junit.jupiter.api.Test;

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
}
