package dev.tapwire.cli.config;

import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * The settings the {@code tapwire} command itself owns (the services declare theirs in their own
 * config classes): where data lives, the embedded broker's and registry's ports, and the topics it
 * creates.
 */
public final class CliConfig extends AbstractConfig {
  /** Directory holding everything {@code tapwire run} keeps. */
  public static final String DATA_DIR = "data.dir";

  /** Default of {@link #DATA_DIR}, relative to the working directory. */
  public static final String DEFAULT_DATA_DIR = "./tapwire-data";

  /** Port of the embedded Kafka broker ({@code tapwire run}); 0 picks a free port. */
  public static final String BROKER_PORT = "broker.port";

  /** Port of the embedded schema registry ({@code tapwire run}); 0 picks a free port. */
  public static final String REGISTRY_PORT = "registry.port";

  /** Partitions of the topics Tapwire creates when they are missing. */
  public static final String TOPICS_PARTITIONS = "topics.partitions";

  /** Replication factor of the topics Tapwire creates; -1 uses the broker's default. */
  public static final String TOPICS_REPLICATION_FACTOR = "topics.replication.factor";

  /** The definitions, with defaults, validators and documentation. */
  public static final ConfigDef CONFIG =
      new ConfigDef()
          .define(
              DATA_DIR,
              Type.STRING,
              DEFAULT_DATA_DIR,
              new ConfigDef.NonEmptyString(),
              Importance.HIGH,
              "Directory for everything tapwire run keeps: kafka/, ca/, parquet/, audit.db, spool/.")
          .define(
              BROKER_PORT,
              Type.INT,
              0,
              Range.between(0, 65535),
              Importance.LOW,
              "Port of the embedded Kafka broker in tapwire run (127.0.0.1); 0 picks a free port.")
          .define(
              REGISTRY_PORT,
              Type.INT,
              0,
              Range.between(0, 65535),
              Importance.LOW,
              "Port of the embedded schema registry in tapwire run (127.0.0.1); 0 picks a free"
                  + " port.")
          .define(
              TOPICS_PARTITIONS,
              Type.INT,
              1,
              Range.atLeast(1),
              Importance.MEDIUM,
              "Partitions of the Tapwire topics when Tapwire creates them (existing topics are"
                  + " left as they are).")
          .define(
              TOPICS_REPLICATION_FACTOR,
              Type.SHORT,
              (short) -1,
              Importance.MEDIUM,
              "Replication factor of the Tapwire topics when Tapwire creates them; -1 uses the"
                  + " broker's default.");

  /**
   * @param settings resolved settings; unknown names are ignored
   * @throws org.apache.kafka.common.config.ConfigException naming the first invalid setting
   */
  public CliConfig(Map<String, ?> settings) {
    super(CONFIG, settings, false);
  }
}
