package dev.tapwire.proxy.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeaderRedactorTest {
  @TempDir Path dir;

  @Test
  void shouldFingerprintEachCredentialKindAndLeaveOtherHeadersAlone() throws Exception {
    HeaderRedactor r =
        HeaderRedactor.loadOrCreate(dir.resolve("redaction.key"), List.of("X-Custom-Token"));
    assertThat(r.redact("x-api-key", "sk-ant-api03-abc")).matches("fp:api_key:[0-9a-f]{64}");
    assertThat(r.redact("Authorization", "Bearer sk-ant-oat01-xyz"))
        .matches("fp:bearer:[0-9a-f]{64}");
    assertThat(r.redact("Proxy-Authorization", "Basic YTpi")).matches("fp:basic:[0-9a-f]{64}");
    assertThat(r.redact("Cookie", "session=1")).matches("fp:cookie:[0-9a-f]{64}");
    assertThat(r.redact("set-cookie", "a=b")).matches("fp:cookie:[0-9a-f]{64}");
    assertThat(r.redact("authorization", "Negotiate abc")).matches("fp:other:[0-9a-f]{64}");
    assertThat(r.redact("x-custom-token", "t")).matches("fp:other:[0-9a-f]{64}");
    assertThat(r.redact("content-type", "application/json")).isEqualTo("application/json");
  }

  @Test
  void shouldGiveTheSameFingerprintForTheSameCredentialUnderOneInstallOnly() throws Exception {
    Path key = dir.resolve("redaction.key");
    HeaderRedactor first = HeaderRedactor.loadOrCreate(key, List.of());
    HeaderRedactor again = HeaderRedactor.loadOrCreate(key, List.of());
    HeaderRedactor otherInstall = HeaderRedactor.loadOrCreate(dir.resolve("other.key"), List.of());
    assertThat(again.redact("x-api-key", "k1")).isEqualTo(first.redact("x-api-key", "k1"));
    assertThat(first.redact("x-api-key", "k1")).isNotEqualTo(first.redact("x-api-key", "k2"));
    assertThat(otherInstall.redact("x-api-key", "k1"))
        .isNotEqualTo(first.redact("x-api-key", "k1"));
    // the bearer fingerprint covers the token, so the scheme's spelling does not matter
    assertThat(first.redact("authorization", "bearer tok"))
        .isEqualTo(first.redact("authorization", "Bearer tok"));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
        .isEqualTo("rw-------");
  }

  @Test
  void shouldKeepWireOrderWhenRedactingAllHeaders() throws Exception {
    HeaderRedactor r = new HeaderRedactor(new byte[32], List.of());
    var out =
        r.redactAll(
            List.of(Map.entry("b", "1"), Map.entry("x-api-key", "secret"), Map.entry("a", "2")));
    assertThat(out).extracting(h -> h.getName()).containsExactly("b", "x-api-key", "a");
    assertThat(out.get(1).getValue()).doesNotContain("secret");
  }
}
