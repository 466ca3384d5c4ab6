package dev.tapwire.processor;

import dev.tapwire.avro.CallRecord;
import dev.tapwire.avro.DeadLetter;
import dev.tapwire.avro.FlowEvent;
import dev.tapwire.processor.topology.CallTopology;
import dev.tapwire.serde.AvroSerdes;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link CallTopology} as a Kafka Streams application, always with {@code
 * processing.guarantee=exactly_once_v2}. Kafka client settings come from {@code kafka.*} (at least
 * {@code kafka.bootstrap.servers} and {@code kafka.schema.registry.url}); application id, state
 * directory and commit interval from the {@code processor.*} settings, which win over {@code
 * kafka.*}. The Streams producer's {@code batch.size} defaults to {@link #PRODUCER_BATCH_BYTES} (a
 * {@code kafka.producer.batch.size} setting wins). An unexpected exception in a stream thread
 * replaces the thread (bad input never gets there: it is dead-lettered).
 */
public final class StreamProcessorService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StreamProcessorService.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  /**
   * Default {@code batch.size} of the Streams producer, bytes (Kafka's default is 16 KiB). Call
   * records and changelog tombstones of one commit interval go out in fewer, larger produce
   * requests, which the broker handles with less CPU; {@code linger.ms} (100 ms under Streams) and
   * the commit interval still bound how long a record waits.
   */
  public static final int PRODUCER_BATCH_BYTES = 256 * 1024;

  private final ProcessorConfig config;
  private final Clock clock;
  private KafkaStreams streams;

  /**
   * @param config the validated settings
   * @param clock stamps {@code processed_at} / {@code failed_at}
   */
  public StreamProcessorService(ProcessorConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
  }

  /** The Kafka Streams properties this service runs with. */
  public Properties streamsProperties() {
    Properties props = new Properties();
    props.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), PRODUCER_BATCH_BYTES);
    props.putAll(config.kafkaProperties());
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toAbsolutePath().toString());
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitIntervalMs());
    return props;
  }

  /** Builds the topology for this configuration (serdes from {@code kafka.schema.registry.url}). */
  public Topology topology() {
    Map<String, Object> serdeConfig = new HashMap<>(config.kafkaProperties());
    Serde<FlowEvent> flows = AvroSerdes.specific(FlowEvent.class, serdeConfig, false);
    Serde<CallRecord> calls = AvroSerdes.specific(CallRecord.class, serdeConfig, false);
    Serde<DeadLetter> letters = AvroSerdes.specific(DeadLetter.class, serdeConfig, false);
    return CallTopology.build(config, flows, calls, letters, clock);
  }

  /**
   * Starts processing (returns at once; Kafka Streams runs its own threads).
   *
   * @throws IllegalStateException if already started
   */
  public synchronized void start() {
    if (streams != null) {
      throw new IllegalStateException("already started");
    }
    Topology topology = topology();
    log.info("Starting stream processor {}:\n{}", config.applicationId(), topology.describe());
    streams = new KafkaStreams(topology, streamsProperties());
    streams.setUncaughtExceptionHandler(
        e -> {
          log.error("Stream thread failed; replacing it", e);
          return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    streams.start();
  }

  /** The Kafka Streams state, or null before {@link #start()}. */
  public synchronized KafkaStreams.State state() {
    return streams == null ? null : streams.state();
  }

  /**
   * Stops processing, committing the current transaction, and leaves the consumer group (waits up
   * to 30 s). Leaving ({@link CloseOptions.GroupMembershipOperation#LEAVE_GROUP}) lets the group
   * rebalance at once, so a restarted or remaining instance takes the tasks over without waiting
   * for this member's session to expire ({@code session.timeout.ms}); Kafka Streams' own default is
   * to stay in the group.
   */
  @Override
  public synchronized void close() {
    if (streams != null) {
      boolean closed =
          streams.close(
              CloseOptions.timeout(CLOSE_TIMEOUT)
                  .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
      if (!closed) {
        log.warn(
            "Stream processor {} did not close within {}; its threads may still be stopping",
            config.applicationId(),
            CLOSE_TIMEOUT);
      }
      streams = null;
    }
  }
}
