package dev.tapwire.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs in the same JVM as {@link KafkaExtensionTest}; whichever of the two runs second sees the
 * other's environment in the witness and must have been given the very same broker.
 */
@ExtendWith(KafkaExtension.class)
class SharedEnvironmentTest {

  @Test
  void shouldShareOneBrokerAndRegistryAcrossTestClasses(KafkaEnvironment env) {
    SharedEnvironmentWitness.record(env);

    assertThat(SharedEnvironmentWitness.seen())
        .allSatisfy(
            seen -> {
              assertThat(seen).isSameAs(env);
              assertThat(seen.bootstrapServers()).isEqualTo(env.bootstrapServers());
              assertThat(seen.schemaRegistryUrl()).isEqualTo(env.schemaRegistryUrl());
            });
  }
}
