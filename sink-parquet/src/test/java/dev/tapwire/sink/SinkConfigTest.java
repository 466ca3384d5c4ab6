package dev.tapwire.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class SinkConfigTest {

  @Test
  void shouldDeriveParquetRootAndSqliteAuditDatabaseFromTheDataDir() {
    SinkConfig config = new SinkConfig(Map.of(SinkConfig.DATA_DIR_CONFIG, "/var/lib/tapwire"));
    assertThat(config.parquetRoot()).isEqualTo(Path.of("/var/lib/tapwire/parquet"));
    assertThat(config.auditJdbcUrl()).isEqualTo("jdbc:sqlite:/var/lib/tapwire/audit.db");
    assertThat(config.getString(SinkConfig.CALLS_TOPIC_CONFIG)).isEqualTo("tapwire.calls");
    assertThat(config.getString(SinkConfig.FLOWS_TOPIC_CONFIG)).isEqualTo("tapwire.flows.raw");
    assertThat(config.rotation().idleClose()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void shouldPassKafkaPrefixedSettingsThroughWithoutThePrefix() {
    SinkConfig config =
        new SinkConfig(
            Map.of(
                "kafka.bootstrap.servers",
                "127.0.0.1:9092",
                "kafka.schema.registry.url",
                "http://127.0.0.1:8081",
                SinkConfig.AUDIT_JDBC_URL_CONFIG,
                "jdbc:postgresql://db/audit",
                SinkConfig.AUDIT_JDBC_PASSWORD_CONFIG,
                "secret"));
    assertThat(config.kafkaProperties())
        .containsOnly(
            Map.entry("bootstrap.servers", "127.0.0.1:9092"),
            Map.entry("schema.registry.url", "http://127.0.0.1:8081"));
    assertThat(config.auditJdbcUrl()).isEqualTo("jdbc:postgresql://db/audit");
    assertThat(config.auditJdbcPassword()).isEqualTo("secret");
    assertThat(config.toString()).doesNotContain("secret");
  }

  @Test
  void shouldRejectInvalidSettingsWithTheKeyInTheMessage() {
    assertThatThrownBy(() -> new SinkConfig(Map.of(SinkConfig.ZSTD_LEVEL_CONFIG, 23)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(SinkConfig.ZSTD_LEVEL_CONFIG);
    assertThatThrownBy(() -> new SinkConfig(Map.of(SinkConfig.IDLE_CLOSE_MS_CONFIG, 0)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(SinkConfig.IDLE_CLOSE_MS_CONFIG);
  }
}
