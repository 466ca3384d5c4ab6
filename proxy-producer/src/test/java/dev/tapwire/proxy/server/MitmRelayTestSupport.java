package dev.tapwire.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.proxy.ProxyHarness;
import java.nio.charset.StandardCharsets;

/** Searches every captured event's Avro bytes for a secret. */
final class MitmRelayTestSupport {
  private MitmRelayTestSupport() {}

  static void assertNoSecret(ProxyHarness harness, String secret) {
    byte[] needle = secret.getBytes(StandardCharsets.UTF_8);
    assertThat(harness.sink.serializedEvents()).isNotEmpty();
    for (byte[] event : harness.sink.serializedEvents()) {
      assertThat(MitmRelayTest.indexOf(event, needle))
          .as("secret in a captured event")
          .isEqualTo(-1);
    }
  }
}
