package dev.tapwire.replay.kafka;

import dev.tapwire.replay.RecordedFlow;
import dev.tapwire.replay.ReplayException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replay topic a replay writes whole flows to, idempotently.
 *
 * <p>Idempotence: {@link #open} reads the ids of the flows already in the topic ({@code
 * read_committed}, up to its end offsets) and the replay skips those flows; flows are written by a
 * transactional producer ({@code transactional.id = tapwire-replay-<topic>}), a flow always whole
 * inside one transaction, committed every {@code flowsPerTransaction} flows and at {@link
 * #close()}. So a replay that crashes leaves only whole, committed flows visible (an open
 * transaction is aborted when the next run's producer fences it), and a second run over the same
 * range copies nothing. Two replays into one target at the same time fence each other (the older
 * one fails).
 *
 * <p>Records keep the source key bytes; the partition is chosen by the default partitioner (murmur2
 * of the key), so with the raw topic's partition count a flow lands in the same partition number;
 * the record timestamp is the event's {@code event_time}. Because those timestamps may be older
 * than any retention (a replay from the Parquet archive), a topic created here gets {@code
 * retention.ms=-1}: a replay topic is kept until it is deleted. An existing topic keeps its
 * configuration.
 */
public final class KafkaReplayTarget implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KafkaReplayTarget.class);
  private static final long ADMIN_TIMEOUT_SECONDS = 30;

  private final Map<String, Object> clientProperties;
  private final String topic;
  private final int flowsPerTransaction;
  private final Set<String> present = new HashSet<>();
  private KafkaProducer<byte[], byte[]> producer;
  private int flowsInTransaction;

  /**
   * @param clientProperties Kafka client settings shared by admin, consumer and producer ({@code
   *     bootstrap.servers} at least)
   * @param topic the replay topic, e.g. {@code tapwire.flows.replay.nov}
   * @param flowsPerTransaction flows per producer transaction (at least 1)
   */
  public KafkaReplayTarget(
      Map<String, Object> clientProperties, String topic, int flowsPerTransaction) {
    if (flowsPerTransaction < 1) {
      throw new IllegalArgumentException("flowsPerTransaction must be at least 1");
    }
    this.clientProperties = Map.copyOf(clientProperties);
    this.topic = topic;
    this.flowsPerTransaction = flowsPerTransaction;
  }

  /**
   * Creates the topic when it does not exist, reads the flow ids already in it and starts the
   * transactional producer.
   *
   * @param partitions partition count for a new topic
   * @return the number of flows already present
   * @throws ReplayException if the topic cannot be created or read
   */
  public int open(int partitions) {
    if (!createIfAbsent(partitions)) {
      new TopicScanner(clientProperties)
          .scan(
              topic,
              Optional.empty(),
              Optional.empty(),
              record -> {
                if (record.key() != null) {
                  present.add(new String(record.key(), StandardCharsets.UTF_8));
                }
              },
              n -> {});
    }
    Map<String, Object> props = new HashMap<>(clientProperties);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tapwire-replay-" + topic);
    producer = new KafkaProducer<>(props);
    producer.initTransactions();
    log.info("Replay target {}: {} flows already present", topic, present.size());
    return present.size();
  }

  /** True when a flow with this id is already in the topic (or was written by this run). */
  public boolean contains(String flowId) {
    return present.contains(flowId);
  }

  /**
   * Writes every event of the flow, in order, inside the current transaction.
   *
   * @throws ReplayException if the producer fails (the open transaction is aborted)
   */
  public void write(RecordedFlow flow) {
    if (producer == null) {
      throw new IllegalStateException("open() first");
    }
    try {
      if (flowsInTransaction == 0) {
        producer.beginTransaction();
      }
      for (RecordedFlow.Event event : flow.events()) {
        producer.send(
            new ProducerRecord<>(topic, null, event.timestampMillis(), flow.key(), event.value()));
      }
      present.add(flow.flowId());
      if (++flowsInTransaction >= flowsPerTransaction) {
        commit();
      }
    } catch (KafkaException e) {
      abort();
      throw new ReplayException("writing flow " + flow.flowId() + " to " + topic + " failed", e);
    }
  }

  /** Commits the open transaction, if any. */
  public void commit() {
    if (flowsInTransaction > 0) {
      producer.commitTransaction();
      flowsInTransaction = 0;
    }
  }

  private void abort() {
    if (flowsInTransaction > 0) {
      try {
        producer.abortTransaction();
      } catch (KafkaException e) {
        log.warn("Aborting the replay transaction on {} failed: {}", topic, e.toString());
      }
      flowsInTransaction = 0;
    }
  }

  /** Returns true when the topic was created now, false when it existed. */
  private boolean createIfAbsent(int partitions) {
    try (Admin admin = Admin.create(clientProperties)) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(topic, Optional.of(partitions), Optional.empty())
                      .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1"))))
          .all()
          .get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      log.info("Created replay topic {} with {} partitions", topic, partitions);
      return true;
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new ReplayException("cannot create topic " + topic, e.getCause());
      }
      return false;
    } catch (TimeoutException e) {
      throw new ReplayException("creating topic " + topic + " timed out", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ReplayException("interrupted while creating topic " + topic, e);
    }
  }

  /** Commits the open transaction and closes the producer. */
  @Override
  public void close() {
    if (producer != null) {
      try {
        commit();
      } finally {
        producer.close(Duration.ofSeconds(30));
        producer = null;
      }
    }
  }
}
