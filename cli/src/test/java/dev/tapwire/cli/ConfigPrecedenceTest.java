package dev.tapwire.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigPrecedenceTest {
  @TempDir Path dir;

  private Path configFile(String content) throws IOException {
    Path file = dir.resolve("tapwire.properties");
    Files.writeString(file, content);
    return file;
  }

  private String proxyLine(Cli.Result result) {
    assertThat(result.exitCode()).as(result.err()).isZero();
    return result
        .out()
        .lines()
        .filter(l -> l.startsWith("export HTTPS_PROXY="))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void shouldUseBuiltInDefaultWhenNothingIsSet() {
    Cli.Result result = Cli.run("env", "--data-dir", dir.toString());
    assertThat(proxyLine(result)).isEqualTo("export HTTPS_PROXY=http://127.0.0.1:8080");
  }

  @Test
  void shouldPreferConfigFileOverDefault() throws IOException {
    Path file = configFile("proxy.port=9001\n");
    Cli.Result result =
        Cli.run(Map.of("TAPWIRE_CONFIG", file.toString()), "env", "--data-dir", dir.toString());
    assertThat(proxyLine(result)).endsWith(":9001");
  }

  @Test
  void shouldPreferEnvironmentOverConfigFile() throws IOException {
    Path file = configFile("proxy.port=9001\n");
    Cli.Result result =
        Cli.run(
            Map.of("TAPWIRE_CONFIG", file.toString(), "TAPWIRE_PROXY_PORT", "9002"),
            "env",
            "--data-dir",
            dir.toString());
    assertThat(proxyLine(result)).endsWith(":9002");
  }

  @Test
  void shouldPreferFlagOverEnvironment() throws IOException {
    Path file = configFile("proxy.port=9001\n");
    Cli.Result result =
        Cli.run(
            Map.of("TAPWIRE_CONFIG", file.toString(), "TAPWIRE_PROXY_PORT", "9002"),
            "env",
            "--data-dir",
            dir.toString(),
            "--proxy-port",
            "9003");
    assertThat(proxyLine(result)).endsWith(":9003");
  }

  @Test
  void shouldTakeDataDirFromEnvironment() {
    Cli.Result result = Cli.run(Map.of("TAPWIRE_DATA_DIR", dir.toString()), "env");
    assertThat(result.out())
        .contains("export NODE_EXTRA_CA_CERTS=" + dir.resolve("ca/tapwire-ca.pem"));
  }
}
