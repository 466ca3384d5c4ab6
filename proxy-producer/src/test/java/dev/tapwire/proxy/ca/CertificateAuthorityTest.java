package dev.tapwire.proxy.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAuthorityTest {
  static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  @TempDir Path dir;

  @Test
  void shouldCreateCaOnFirstStartWithOwnerOnlyKeyAndLoadTheSameCaLater() throws Exception {
    CertificateAuthority created = CertificateAuthority.loadOrCreate(dir.resolve("ca"), CLOCK);
    Path key = dir.resolve("ca").resolve(CertificateAuthority.KEY_FILE);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
        .isEqualTo("rw-------");
    assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(created.certificatePem())
        .startsWith("-----BEGIN CERTIFICATE-----")
        .doesNotContain("PRIVATE KEY");

    CertificateAuthority loaded = CertificateAuthority.loadOrCreate(dir.resolve("ca"), CLOCK);
    assertThat(loaded.certificate()).isEqualTo(created.certificate());
    X509Certificate ca = loaded.certificate();
    assertThat(ca.getBasicConstraints()).isEqualTo(0);
    assertThat(ca.getSigAlgName()).isEqualTo("SHA256withECDSA");
    assertThat(ca.getNotAfter().toInstant()).isAfter(NOW.plus(Duration.ofDays(3640)));
  }

  @Test
  void shouldRefuseAnIncompleteCaDirectory() throws Exception {
    CertificateAuthority.loadOrCreate(dir.resolve("ca"), CLOCK);
    Files.delete(dir.resolve("ca").resolve(CertificateAuthority.KEY_FILE));
    assertThatThrownBy(() -> CertificateAuthority.loadOrCreate(dir.resolve("ca"), CLOCK))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("incomplete CA");
  }

  @Test
  void shouldMintEcP256LeafWithHostAsSanSignedByTheCa() throws Exception {
    CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir.resolve("ca"), CLOCK);
    LeafCertificate leaf = ca.mintLeaf("api.anthropic.com");
    X509Certificate cert = leaf.certificate();
    cert.verify(ca.certificate().getPublicKey());
    assertThat(((ECPublicKey) cert.getPublicKey()).getParams().getCurve().getField().getFieldSize())
        .isEqualTo(256);
    assertThat(cert.getSigAlgName()).isEqualTo("SHA256withECDSA");
    assertThat(cert.getSubjectAlternativeNames()).containsExactly(List.of(2, "api.anthropic.com"));
    assertThat(cert.getBasicConstraints()).isEqualTo(-1);
    assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
    assertThat(cert.getNotBefore().toInstant()).isEqualTo(NOW.minus(Duration.ofHours(1)));
    assertThat(Duration.between(cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant()))
        .isEqualTo(Duration.ofDays(365));
    assertThat(leaf.toString()).doesNotContain("PRIVATE");
  }

  @Test
  void shouldPutIpLiteralsIntoAnIpAddressSan() throws Exception {
    CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir.resolve("ca"), CLOCK);
    assertThat(ca.mintLeaf("127.0.0.1").certificate().getSubjectAlternativeNames())
        .containsExactly(List.of(7, "127.0.0.1"));
  }

  @Test
  void shouldMintEachHostOnceOffTheCallerThreadAndCacheIt() throws Exception {
    CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir.resolve("ca"), CLOCK);
    var executor = Executors.newSingleThreadExecutor();
    try {
      LeafContextCache cache =
          new LeafContextCache(ca, 10, executor, io.netty.handler.ssl.SslProvider.JDK);
      var first = cache.contextFor("API.anthropic.com").get(10, TimeUnit.SECONDS);
      var second = cache.contextFor("api.anthropic.com").get(10, TimeUnit.SECONDS);
      assertThat(second).isSameAs(first);
      assertThat(first.isServer()).isTrue();
      assertThat(first.applicationProtocolNegotiator().protocols()).containsExactly("http/1.1");
    } finally {
      executor.shutdownNow();
    }
  }
}
