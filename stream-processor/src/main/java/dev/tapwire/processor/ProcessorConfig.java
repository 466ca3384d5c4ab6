package dev.tapwire.processor;

import dev.tapwire.processor.pricing.PriceTable;
import dev.tapwire.processor.usage.CacheTtl;
import dev.tapwire.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * Settings of the stream processor, each declared once with type, default, validator and
 * documentation ({@link ConfigDef}). Kafka client and Kafka Streams settings pass through with the
 * prefix {@code kafka.} (for example {@code kafka.bootstrap.servers}, {@code
 * kafka.schema.registry.url}); {@link #kafkaProperties()} strips the prefix.
 *
 * @throws ConfigException from the constructor when a value is missing or invalid
 */
public final class ProcessorConfig extends AbstractConfig {
  public static final String APPLICATION_ID = "processor.application.id";
  public static final String INPUT_TOPIC = "processor.input.topic";
  public static final String OUTPUT_TOPIC = "processor.output.topic";
  public static final String DLQ_TOPIC = "processor.dlq.topic";
  public static final String FLOW_TIMEOUT_MS = "processor.flow.timeout.ms";
  public static final String PUNCTUATE_INTERVAL_MS = "processor.punctuate.interval.ms";
  public static final String DEDUP_RETENTION_MS = "processor.dedup.retention.ms";
  public static final String PRICE_TABLE = "processor.price.table";
  public static final String CACHE_DEFAULT_TTL = "processor.cache.default.ttl";
  public static final String STATE_DIR = "processor.state.dir";
  public static final String COMMIT_INTERVAL_MS = "processor.commit.interval.ms";
  public static final String KAFKA_PREFIX = "kafka.";

  private static final ConfigDef CONFIG =
      new ConfigDef()
          .define(
              APPLICATION_ID,
              Type.STRING,
              "tapwire-processor",
              new ConfigDef.NonEmptyString(),
              Importance.HIGH,
              "Kafka Streams application.id: consumer group, transactional id prefix and the prefix"
                  + " of the internal changelog topics.")
          .define(
              INPUT_TOPIC,
              Type.STRING,
              Topics.RAW_FLOWS,
              new ConfigDef.NonEmptyString(),
              Importance.HIGH,
              "Topic of raw flow events (a replay topic to re-derive records).")
          .define(
              OUTPUT_TOPIC,
              Type.STRING,
              Topics.CALLS,
              new ConfigDef.NonEmptyString(),
              Importance.HIGH,
              "Topic of call records, key = call id.")
          .define(
              DLQ_TOPIC,
              Type.STRING,
              Topics.FLOWS_DLQ,
              new ConfigDef.NonEmptyString(),
              Importance.HIGH,
              "Dead-letter topic for undecodable or impossible raw events.")
          .define(
              FLOW_TIMEOUT_MS,
              Type.LONG,
              600_000L,
              ConfigDef.Range.atLeast(1),
              Importance.MEDIUM,
              "A flow without events for this many milliseconds (wall clock) is emitted as"
                  + " TIMED_OUT with what was known.")
          .define(
              PUNCTUATE_INTERVAL_MS,
              Type.LONG,
              10_000L,
              ConfigDef.Range.atLeast(1),
              Importance.LOW,
              "Wall-clock interval, in milliseconds, of the punctuator that times flows out.")
          .define(
              DEDUP_RETENTION_MS,
              Type.LONG,
              600_000L,
              ConfigDef.Range.atLeast(0),
              Importance.LOW,
              "How long, in milliseconds, the ids of finished flows are remembered so re-published"
                  + " events of them are dropped as duplicates.")
          .define(
              PRICE_TABLE,
              Type.STRING,
              "",
              Importance.MEDIUM,
              "Path of a price-table JSON file replacing the bundled table ("
                  + PriceTable.BUNDLED_RESOURCE
                  + "); empty for the bundled one.")
          .define(
              CACHE_DEFAULT_TTL,
              Type.STRING,
              "5m",
              ConfigDef.ValidString.in("5m", "1h"),
              Importance.LOW,
              "TTL at which cache creation not attributed to 5m or 1h is priced.")
          .define(
              STATE_DIR,
              Type.STRING,
              "data/stream-processor",
              new ConfigDef.NonEmptyString(),
              Importance.MEDIUM,
              "Directory of the Kafka Streams state stores (under the Tapwire data dir).")
          .define(
              COMMIT_INTERVAL_MS,
              Type.LONG,
              100L,
              ConfigDef.Range.atLeast(1),
              Importance.MEDIUM,
              "Kafka Streams commit (transaction) interval in milliseconds; bounds the latency"
                  + " from flow end to committed call record.");

  /** Creates the configuration from {@code originals}. */
  public ProcessorConfig(Map<?, ?> originals) {
    super(CONFIG, originals);
  }

  /** The definitions, for documentation and the CLI. */
  public static ConfigDef configDef() {
    return new ConfigDef(CONFIG);
  }

  /** The {@code kafka.*} settings with the prefix removed. */
  public Map<String, Object> kafkaProperties() {
    return originalsWithPrefix(KAFKA_PREFIX);
  }

  public String applicationId() {
    return getString(APPLICATION_ID);
  }

  public String inputTopic() {
    return getString(INPUT_TOPIC);
  }

  public String outputTopic() {
    return getString(OUTPUT_TOPIC);
  }

  public String dlqTopic() {
    return getString(DLQ_TOPIC);
  }

  public Duration flowTimeout() {
    return Duration.ofMillis(getLong(FLOW_TIMEOUT_MS));
  }

  public Duration punctuateInterval() {
    return Duration.ofMillis(getLong(PUNCTUATE_INTERVAL_MS));
  }

  public Duration dedupRetention() {
    return Duration.ofMillis(getLong(DEDUP_RETENTION_MS));
  }

  public CacheTtl cacheDefaultTtl() {
    return CacheTtl.parse(getString(CACHE_DEFAULT_TTL));
  }

  public Path stateDir() {
    return Path.of(getString(STATE_DIR));
  }

  public long commitIntervalMs() {
    return getLong(COMMIT_INTERVAL_MS);
  }

  /** The price table: the user's file when configured, else the bundled one. */
  public PriceTable priceTable() {
    String file = getString(PRICE_TABLE);
    if (file == null || file.isBlank()) {
      return PriceTable.bundled();
    }
    try {
      return PriceTable.load(Path.of(file));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(PRICE_TABLE, file, e.getMessage());
    }
  }
}
