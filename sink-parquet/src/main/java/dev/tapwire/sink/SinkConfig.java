package dev.tapwire.sink;

import dev.tapwire.schemas.Topics;
import dev.tapwire.sink.parquet.ParquetFileSettings;
import dev.tapwire.sink.parquet.RotationPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.types.Password;

/**
 * Settings of the sink service, declared once in Kafka's {@link ConfigDef} style and validated when
 * constructed. Client settings pass through with the prefix {@code kafka.} (for example {@code
 * kafka.bootstrap.servers}, {@code kafka.schema.registry.url}).
 *
 * @throws org.apache.kafka.common.config.ConfigException from the constructor for invalid values
 */
public final class SinkConfig extends AbstractConfig {

  public static final String DATA_DIR_CONFIG = "sink.data.dir";
  public static final String PARQUET_ROOT_CONFIG = "sink.parquet.root";
  public static final String CALLS_TOPIC_CONFIG = "sink.calls.topic";
  public static final String CALLS_DLQ_TOPIC_CONFIG = "sink.calls.dlq.topic";
  public static final String FLOWS_TOPIC_CONFIG = "sink.flows.topic";
  public static final String FLOWS_DLQ_TOPIC_CONFIG = "sink.flows.dlq.topic";
  public static final String FLOWS_ARCHIVE_ENABLED_CONFIG = "sink.flows.archive.enabled";
  public static final String AUDIT_ENABLED_CONFIG = "sink.audit.enabled";
  public static final String ROTATE_RECORDS_CONFIG = "sink.rotate.records";
  public static final String ROTATE_INTERVAL_MS_CONFIG = "sink.rotate.interval.ms";
  public static final String ROTATE_MAX_OPEN_MS_CONFIG = "sink.rotate.max.open.ms";
  public static final String IDLE_CLOSE_MS_CONFIG = "sink.idle.close.ms";
  public static final String POLL_TIMEOUT_MS_CONFIG = "sink.poll.timeout.ms";
  public static final String ROW_GROUP_BYTES_CONFIG = "sink.parquet.row.group.bytes";
  public static final String ROW_GROUP_ROWS_CONFIG = "sink.parquet.row.group.rows";
  public static final String PAGE_BYTES_CONFIG = "sink.parquet.page.bytes";
  public static final String ZSTD_LEVEL_CONFIG = "sink.parquet.zstd.level";
  public static final String AUDIT_JDBC_URL_CONFIG = "sink.audit.jdbc.url";
  public static final String AUDIT_JDBC_USER_CONFIG = "sink.audit.jdbc.user";
  public static final String AUDIT_JDBC_PASSWORD_CONFIG = "sink.audit.jdbc.password";
  public static final String AUDIT_BATCH_MAX_CONFIG = "sink.audit.batch.max";
  public static final String GROUP_ID_CONFIG = "sink.group.id";
  public static final String KAFKA_PREFIX = "kafka.";

  private static final ConfigDef CONFIG =
      new ConfigDef()
          .define(
              DATA_DIR_CONFIG,
              Type.STRING,
              "tapwire-data",
              new ConfigDef.NonEmptyString(),
              Importance.HIGH,
              "Data directory; the Parquet root and the SQLite audit database default to it.")
          .define(
              PARQUET_ROOT_CONFIG,
              Type.STRING,
              "",
              Importance.HIGH,
              "Root of the Parquet datasets (calls/, flows/); empty means <sink.data.dir>/parquet.")
          .define(
              CALLS_TOPIC_CONFIG,
              Type.STRING,
              Topics.CALLS,
              new ConfigDef.NonEmptyString(),
              Importance.MEDIUM,
              "Topic of call records (Avro CallRecord, key = call id).")
          .define(
              CALLS_DLQ_TOPIC_CONFIG,
              Type.STRING,
              Topics.CALLS_DLQ,
              new ConfigDef.NonEmptyString(),
              Importance.LOW,
              "Dead-letter topic for call records that cannot be converted.")
          .define(
              FLOWS_TOPIC_CONFIG,
              Type.STRING,
              Topics.RAW_FLOWS,
              new ConfigDef.NonEmptyString(),
              Importance.MEDIUM,
              "Topic of raw flow events (Avro FlowEvent, key = flow id).")
          .define(
              FLOWS_DLQ_TOPIC_CONFIG,
              Type.STRING,
              Topics.FLOWS_DLQ,
              new ConfigDef.NonEmptyString(),
              Importance.LOW,
              "Dead-letter topic for raw flow events that cannot be archived.")
          .define(
              FLOWS_ARCHIVE_ENABLED_CONFIG,
              Type.BOOLEAN,
              true,
              Importance.MEDIUM,
              "Archive the raw topic as the flows dataset.")
          .define(
              AUDIT_ENABLED_CONFIG,
              Type.BOOLEAN,
              true,
              Importance.MEDIUM,
              "Write the audit tables.")
          .define(
              ROTATE_RECORDS_CONFIG,
              Type.LONG,
              100_000L,
              Range.atLeast(1),
              Importance.MEDIUM,
              "Rows per Parquet file at most.")
          .define(
              ROTATE_INTERVAL_MS_CONFIG,
              Type.LONG,
              600_000L,
              Range.atLeast(1),
              Importance.MEDIUM,
              "Span of record time per file, in milliseconds.")
          .define(
              ROTATE_MAX_OPEN_MS_CONFIG,
              Type.LONG,
              60_000L,
              Range.atLeast(1),
              Importance.MEDIUM,
              "Wall-clock milliseconds after which an open file is published even if busy.")
          .define(
              IDLE_CLOSE_MS_CONFIG,
              Type.LONG,
              5_000L,
              Range.atLeast(1),
              Importance.MEDIUM,
              "Wall-clock milliseconds without writes after which an open file is published, so"
                  + " the latest calls become queryable.")
          .define(
              POLL_TIMEOUT_MS_CONFIG,
              Type.LONG,
              500L,
              Range.between(1, 60_000),
              Importance.LOW,
              "Longest consumer poll, in milliseconds; bounds how late an idle file is closed.")
          .define(
              ROW_GROUP_BYTES_CONFIG,
              Type.LONG,
              ParquetFileSettings.DEFAULT.rowGroupBytes(),
              Range.atLeast(64 * 1024),
              Importance.LOW,
              "Parquet row group size in bytes.")
          .define(
              ROW_GROUP_ROWS_CONFIG,
              Type.INT,
              ParquetFileSettings.DEFAULT.rowGroupRows(),
              Range.atLeast(1),
              Importance.LOW,
              "Most rows per Parquet row group (DuckDB's own default is 122880).")
          .define(
              PAGE_BYTES_CONFIG,
              Type.INT,
              ParquetFileSettings.DEFAULT.pageBytes(),
              Range.atLeast(1024),
              Importance.LOW,
              "Parquet page size in bytes.")
          .define(
              ZSTD_LEVEL_CONFIG,
              Type.INT,
              ParquetFileSettings.DEFAULT.zstdLevel(),
              Range.between(0, 22),
              Importance.LOW,
              "zstd level of the Parquet pages; 0 writes uncompressed files.")
          .define(
              AUDIT_JDBC_URL_CONFIG,
              Type.STRING,
              "",
              Importance.HIGH,
              "JDBC URL of the audit database (jdbc:postgresql://… or jdbc:sqlite:…); empty means"
                  + " jdbc:sqlite:<sink.data.dir>/audit.db.")
          .define(
              AUDIT_JDBC_USER_CONFIG, Type.STRING, null, Importance.MEDIUM, "Audit database user.")
          .define(
              AUDIT_JDBC_PASSWORD_CONFIG,
              Type.PASSWORD,
              null,
              Importance.MEDIUM,
              "Audit database password.")
          .define(
              AUDIT_BATCH_MAX_CONFIG,
              Type.INT,
              1_000,
              Range.atLeast(1),
              Importance.LOW,
              "Most call records upserted in one audit transaction.")
          .define(
              GROUP_ID_CONFIG,
              Type.STRING,
              "tapwire-sink",
              new ConfigDef.NonEmptyString(),
              Importance.HIGH,
              "Consumer group prefix: <id>.calls-parquet, <id>.flows-parquet and <id>.audit.");

  public SinkConfig(Map<?, ?> originals) {
    super(CONFIG, originals);
  }

  /** The settings, for documentation and the CLI. */
  public static ConfigDef configDef() {
    return new ConfigDef(CONFIG);
  }

  /** The Parquet root directory. */
  public Path parquetRoot() {
    String root = getString(PARQUET_ROOT_CONFIG);
    return root.isEmpty() ? dataDir().resolve("parquet") : Path.of(root);
  }

  /** The data directory. */
  public Path dataDir() {
    return Path.of(getString(DATA_DIR_CONFIG));
  }

  /** The audit JDBC URL, by default an SQLite file {@code audit.db} in the data directory. */
  public String auditJdbcUrl() {
    String url = getString(AUDIT_JDBC_URL_CONFIG);
    return url.isEmpty() ? "jdbc:sqlite:" + dataDir().resolve("audit.db") : url;
  }

  /** The audit database password, or null. */
  public String auditJdbcPassword() {
    Password p = getPassword(AUDIT_JDBC_PASSWORD_CONFIG);
    return p == null ? null : p.value();
  }

  /** Rotation settings. */
  public RotationPolicy rotation() {
    return new RotationPolicy(
        getLong(ROTATE_RECORDS_CONFIG),
        Duration.ofMillis(getLong(ROTATE_INTERVAL_MS_CONFIG)),
        Duration.ofMillis(getLong(IDLE_CLOSE_MS_CONFIG)),
        Duration.ofMillis(getLong(ROTATE_MAX_OPEN_MS_CONFIG)));
  }

  /** Parquet layout settings. */
  public ParquetFileSettings parquetFiles() {
    return new ParquetFileSettings(
        getLong(ROW_GROUP_BYTES_CONFIG),
        getInt(ROW_GROUP_ROWS_CONFIG),
        getInt(PAGE_BYTES_CONFIG),
        getInt(ZSTD_LEVEL_CONFIG));
  }

  /** Consumer poll timeout. */
  public Duration pollTimeout() {
    return Duration.ofMillis(getLong(POLL_TIMEOUT_MS_CONFIG));
  }

  /** The {@code kafka.*} settings without their prefix (clients and serdes). */
  public Map<String, Object> kafkaProperties() {
    return new HashMap<>(originalsWithPrefix(KAFKA_PREFIX));
  }
}
