package dev.tapwire.proxy.publish;

import dev.tapwire.proxy.spool.SpoolOptions;
import dev.tapwire.schemas.Topics;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Settings of {@link KafkaFlowPublisher}: publisher and spool settings, plus every {@code kafka.*}
 * setting passed (without the prefix) to the Kafka producer and the Avro serializer ({@code
 * kafka.bootstrap.servers} and {@code kafka.schema.registry.url} are required).
 *
 * <p>Producer settings the publisher's guarantees rest on are fixed: {@code
 * enable.idempotence=true}, {@code acks=all}, String keys and byte-array values; the others have
 * defaults chosen for capture (zstd compression, linger 5 ms, {@code max.in.flight} 5, {@code
 * max.block.ms} 1000 so a lost broker is noticed quickly, {@code delivery.timeout.ms} unbounded so
 * an accepted record is retried until the broker returns or the publisher closes).
 */
public final class PublisherConfig extends AbstractConfig {

  /** Prefix of settings passed to the Kafka producer and the serializer. */
  public static final String KAFKA_PREFIX = "kafka.";

  public static final String TOPIC_CONFIG = "publisher.topic";
  public static final String QUEUE_CAPACITY_CONFIG = "publisher.queue.capacity";
  public static final String QUEUE_MAX_BYTES_CONFIG = "publisher.queue.max.bytes";
  public static final String QUEUE_SPOOL_THRESHOLD_CONFIG = "publisher.queue.spool.threshold";
  public static final String SLOW_AFTER_MS_CONFIG = "publisher.slow.after.ms";
  public static final String CLOSE_GRACE_MS_CONFIG = "publisher.close.grace.ms";
  public static final String DRAIN_BATCH_RECORDS_CONFIG = "publisher.drain.batch.records";
  public static final String DRAIN_BATCH_BYTES_CONFIG = "publisher.drain.batch.bytes";
  public static final String RETRY_BACKOFF_MS_CONFIG = "publisher.retry.backoff.ms";
  public static final String SPOOL_DIR_CONFIG = "spool.dir";
  public static final String SPOOL_MAX_BYTES_CONFIG = "spool.max.bytes";
  public static final String SPOOL_SEGMENT_BYTES_CONFIG = "spool.segment.bytes";
  public static final String SPOOL_FSYNC_INTERVAL_MS_CONFIG = "spool.fsync.interval.ms";

  /** The largest serialized record (key plus value) the publisher sends: Kafka's 1 MiB default. */
  public static final int MAX_RECORD_BYTES = 1024 * 1024;

  private static final ConfigDef CONFIG =
      new ConfigDef()
          .define(
              TOPIC_CONFIG,
              Type.STRING,
              Topics.RAW_FLOWS,
              new ConfigDef.NonEmptyString(),
              Importance.MEDIUM,
              "Topic raw flow events are published to, keyed by flow id.")
          .define(
              QUEUE_CAPACITY_CONFIG,
              Type.INT,
              16384,
              Range.atLeast(16),
              Importance.LOW,
              "Events the in-memory hand-over queue holds between the proxy's event loops and the"
                  + " publisher thread. When it is full, publish() throws"
                  + " CaptureUnavailableException (the proxy's capture-failure policy decides).")
          .define(
              QUEUE_MAX_BYTES_CONFIG,
              Type.LONG,
              64L * 1024 * 1024,
              Range.atLeast(4L * 1024 * 1024),
              Importance.LOW,
              "Bound on the body bytes (plus a fixed per-event estimate) in the hand-over queue, so a"
                  + " stalled publisher cannot exhaust the heap; beyond it publish() throws"
                  + " CaptureUnavailableException.")
          .define(
              QUEUE_SPOOL_THRESHOLD_CONFIG,
              Type.INT,
              4096,
              Range.atLeast(1),
              Importance.LOW,
              "Queue depth (events) above which Kafka counts as too slow and events go to the"
                  + " spool.")
          .define(
              SLOW_AFTER_MS_CONFIG,
              Type.LONG,
              2000L,
              Range.atLeast(50),
              Importance.MEDIUM,
              "Milliseconds without an acknowledgement for a sent event after which Kafka counts as"
                  + " unavailable and events go to the spool.")
          .define(
              CLOSE_GRACE_MS_CONFIG,
              Type.LONG,
              10000L,
              Range.atLeast(0),
              Importance.MEDIUM,
              "Milliseconds close() waits for Kafka to acknowledge in-flight events; what is not"
                  + " acknowledged by then is written to the spool.")
          .define(
              DRAIN_BATCH_RECORDS_CONFIG,
              Type.INT,
              2000,
              Range.atLeast(1),
              Importance.LOW,
              "Spooled events published per drain batch.")
          .define(
              DRAIN_BATCH_BYTES_CONFIG,
              Type.LONG,
              8L * 1024 * 1024,
              Range.atLeast(1),
              Importance.LOW,
              "Spooled bytes read per drain batch (at least one event per batch).")
          .define(
              RETRY_BACKOFF_MS_CONFIG,
              Type.LONG,
              500L,
              Range.atLeast(1),
              Importance.LOW,
              "Milliseconds to wait before retrying the drain after a failure, or an append when"
                  + " the spool is full.")
          .define(
              SPOOL_DIR_CONFIG,
              Type.STRING,
              ConfigDef.NO_DEFAULT_VALUE,
              new ConfigDef.NonEmptyString(),
              Importance.HIGH,
              "Directory of the durable capture spool (one publisher per directory).")
          .define(
              SPOOL_MAX_BYTES_CONFIG,
              Type.LONG,
              1024L * 1024 * 1024,
              Range.atLeast(4L * 1024 * 1024),
              Importance.HIGH,
              "Cap on the spool's size on disk, bytes. When it is reached the publisher is"
                  + " unhealthy and new events are refused.")
          .define(
              SPOOL_SEGMENT_BYTES_CONFIG,
              Type.INT,
              SpoolOptions.DEFAULT_SEGMENT_BYTES,
              Range.between(64 * 1024, 1024 * 1024 * 1024),
              Importance.LOW,
              "Size of one spool segment file, bytes.")
          .define(
              SPOOL_FSYNC_INTERVAL_MS_CONFIG,
              Type.LONG,
              200L,
              Range.atLeast(0),
              Importance.LOW,
              "Spooled events are forced to disk at most this many milliseconds after being"
                  + " written (and always on segment roll and close); 0 forces every event.");

  /**
   * @param originals the settings; unknown keys other than {@code kafka.*} are ignored
   * @throws ConfigException if a setting is invalid or a required one is missing
   */
  public PublisherConfig(Map<?, ?> originals) {
    super(CONFIG, originals, false);
    Map<String, Object> kafka = originalsWithPrefix(KAFKA_PREFIX);
    for (String required :
        new String[] {ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "schema.registry.url"}) {
      if (kafka.get(required) == null || kafka.get(required).toString().isBlank()) {
        throw new ConfigException(KAFKA_PREFIX + required, null, "is required");
      }
    }
    if (getInt(QUEUE_SPOOL_THRESHOLD_CONFIG) > getInt(QUEUE_CAPACITY_CONFIG)) {
      throw new ConfigException(
          QUEUE_SPOOL_THRESHOLD_CONFIG,
          getInt(QUEUE_SPOOL_THRESHOLD_CONFIG),
          "must not exceed " + QUEUE_CAPACITY_CONFIG);
    }
    if (getLong(SPOOL_MAX_BYTES_CONFIG) < getInt(SPOOL_SEGMENT_BYTES_CONFIG)) {
      throw new ConfigException(
          SPOOL_MAX_BYTES_CONFIG,
          getLong(SPOOL_MAX_BYTES_CONFIG),
          "must be at least " + SPOOL_SEGMENT_BYTES_CONFIG);
    }
  }

  /** The settings' definitions, for documentation and the CLI. */
  public static ConfigDef configDef() {
    return new ConfigDef(CONFIG);
  }

  public String topic() {
    return getString(TOPIC_CONFIG);
  }

  public int queueCapacity() {
    return getInt(QUEUE_CAPACITY_CONFIG);
  }

  public long queueMaxBytes() {
    return getLong(QUEUE_MAX_BYTES_CONFIG);
  }

  public int queueSpoolThreshold() {
    return getInt(QUEUE_SPOOL_THRESHOLD_CONFIG);
  }

  public long slowAfterMillis() {
    return getLong(SLOW_AFTER_MS_CONFIG);
  }

  public long closeGraceMillis() {
    return getLong(CLOSE_GRACE_MS_CONFIG);
  }

  public int drainBatchRecords() {
    return getInt(DRAIN_BATCH_RECORDS_CONFIG);
  }

  public long drainBatchBytes() {
    return getLong(DRAIN_BATCH_BYTES_CONFIG);
  }

  public long retryBackoffMillis() {
    return getLong(RETRY_BACKOFF_MS_CONFIG);
  }

  public SpoolOptions spoolOptions() {
    return new SpoolOptions(
        Path.of(getString(SPOOL_DIR_CONFIG)),
        getLong(SPOOL_MAX_BYTES_CONFIG),
        getInt(SPOOL_SEGMENT_BYTES_CONFIG),
        getLong(SPOOL_FSYNC_INTERVAL_MS_CONFIG));
  }

  /** Settings for the Avro serializer: every {@code kafka.*} setting without the prefix. */
  public Map<String, Object> serializerConfigs() {
    return originalsWithPrefix(KAFKA_PREFIX);
  }

  /** Settings for the Kafka producer: defaults, then {@code kafka.*}, then the fixed settings. */
  public Map<String, Object> producerConfigs() {
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1000);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.MAX_VALUE);
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_RECORD_BYTES + 64 * 1024);
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "tapwire-flow-publisher");
    Map<String, Object> kafka = originalsWithPrefix(KAFKA_PREFIX);
    for (Map.Entry<String, Object> e : kafka.entrySet()) {
      if (ProducerConfig.configNames().contains(e.getKey())) {
        props.put(e.getKey(), e.getValue());
      }
    }
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    Object inFlight = props.get(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION);
    if (Integer.parseInt(inFlight.toString()) > 5) {
      throw new ConfigException(
          KAFKA_PREFIX + ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
          inFlight,
          "must be at most 5 for the idempotent producer to keep per-flow order");
    }
    return props;
  }
}
