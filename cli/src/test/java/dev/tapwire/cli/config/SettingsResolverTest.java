package dev.tapwire.cli.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.cli.run.KafkaClients;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

class SettingsResolverTest {
  @TempDir Path dir;

  @Command(name = "probe")
  static final class Probe {
    @Mixin ConfigOptions config;

    @Option(names = "--proxy-port", descriptionKey = "proxy.port")
    String proxyPort;
  }

  private Map<String, String> resolve(Map<String, String> env, String... args) {
    ConfigSources sources = new ConfigSources(env);
    Probe probe = new Probe();
    CommandLine commandLine = new CommandLine(probe);
    commandLine.setDefaultValueProvider(new TapwireDefaultProvider(sources));
    commandLine.parseArgs(args);
    return new SettingsResolver(sources, SettingsCatalog.names())
        .resolve(commandLine.getCommandSpec(), probe.config);
  }

  @Test
  void shouldMapEnvironmentNamesToDottedSettings() {
    assertThat(SettingNames.envName("proxy.port")).isEqualTo("TAPWIRE_PROXY_PORT");
    assertThat(SettingNames.envName("sink.audit.jdbc.url"))
        .isEqualTo("TAPWIRE_SINK_AUDIT_JDBC_URL");
    assertThat(SettingNames.kafkaSettingForEnv("TAPWIRE_KAFKA_SASL_MECHANISM"))
        .contains("kafka.sasl.mechanism");
    assertThat(SettingNames.kafkaSettingForEnv("TAPWIRE_JAVA_OPTS")).isEmpty();
  }

  @Test
  void shouldPassEveryKafkaSettingFromEveryLayerToTheClients() throws Exception {
    Path file = dir.resolve("t.properties");
    Files.writeString(file, "kafka.linger.ms=7\nkafka.acks=1\n");

    Map<String, String> settings =
        resolve(
            Map.of("TAPWIRE_KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "TAPWIRE_KAFKA_ACKS", "all"),
            "--config",
            file.toString(),
            "--set",
            "kafka.client.id=audit-1");

    assertThat(KafkaClients.adminProperties(settings))
        .containsEntry("linger.ms", "7")
        .containsEntry("acks", "all")
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("client.id", "audit-1");
  }

  @Test
  void shouldApplyFlagOverSetOverEnvironmentOverFile() throws Exception {
    Path file = dir.resolve("t.properties");
    Files.writeString(file, "proxy.port=1001\nsink.idle.close.ms=1001\nproxy.id=from-file\n");
    Map<String, String> env =
        Map.of(
            "TAPWIRE_CONFIG", file.toString(),
            "TAPWIRE_PROXY_PORT", "1002",
            "TAPWIRE_SINK_IDLE_CLOSE_MS", "1002");

    Map<String, String> settings =
        resolve(
            env,
            "--set",
            "sink.idle.close.ms=1003",
            "--set",
            "proxy.port=1003",
            "--proxy-port",
            "1004");

    assertThat(settings)
        .containsEntry("proxy.id", "from-file")
        .containsEntry("sink.idle.close.ms", "1003")
        .containsEntry("proxy.port", "1004");
  }

  @Test
  void shouldReportUnknownSettingsButNotKafkaPassthrough() {
    SettingsResolver resolver =
        new SettingsResolver(new ConfigSources(Map.of()), SettingsCatalog.names());

    assertThat(resolver.unknown(Map.of("proxy.prot", "1", "kafka.acks", "all", "proxy.port", "2")))
        .containsExactly("proxy.prot");
  }
}
