package dev.tapwire.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaExportTest {
  @TempDir Path dir;

  @Test
  void shouldExportCaCertificateCreatingItOnFirstUse() {
    Cli.Result first = Cli.run("ca", "export", "--data-dir", dir.toString());
    Cli.Result second = Cli.run("ca", "export", "--data-dir", dir.toString());

    assertThat(first.exitCode()).as(first.err()).isZero();
    assertThat(first.out())
        .startsWith("-----BEGIN CERTIFICATE-----")
        .contains("-----END CERTIFICATE-----");
    assertThat(second.exitCode()).as(second.err()).isZero();
    assertThat(second.out()).isEqualTo(first.out());
    assertThat(dir.resolve("ca/tapwire-ca.pem")).exists();
  }
}
