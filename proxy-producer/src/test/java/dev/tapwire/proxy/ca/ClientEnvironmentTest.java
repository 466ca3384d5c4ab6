package dev.tapwire.proxy.ca;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientEnvironmentTest {
  @TempDir Path dir;

  @Test
  void shouldWriteBundleWithSystemRootsPlusTapwireCaAndQuoteExportLines() throws Exception {
    CertificateAuthority ca =
        CertificateAuthority.loadOrCreate(dir.resolve("it's ca"), Clock.systemUTC());
    Path bundle = ClientEnvironment.writeTrustBundle(ca);
    List<java.security.cert.X509Certificate> certs = PemFiles.readCertificates(bundle);
    assertThat(certs).contains(ca.certificate());
    assertThat(certs.size()).isGreaterThan(1);

    List<String> lines =
        ClientEnvironment.exportLines("http://127.0.0.1:8080", ca.certificatePath(), bundle);
    assertThat(lines).contains("export HTTPS_PROXY='http://127.0.0.1:8080'");
    assertThat(lines)
        .anySatisfy(
            l -> assertThat(l).startsWith("export NODE_EXTRA_CA_CERTS='").contains("it'\\''s ca"));
    assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("export SSL_CERT_FILE="));
    assertThat(String.join("\n", lines)).doesNotContain("PRIVATE");
  }
}
