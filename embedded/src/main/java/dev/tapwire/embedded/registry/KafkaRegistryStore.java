package dev.tapwire.embedded.registry;

import dev.tapwire.registry.RegistryRecord;
import dev.tapwire.registry.RegistryStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link RegistryStore} in a compacted, single-partition Kafka topic (normally {@code _schemas}),
 * created on first use with {@code cleanup.policy=compact}.
 *
 * <p>{@link #load()} reads the partition from the beginning to its end offset; {@link #append}
 * produces one record (acks=all, idempotent) and waits for the acknowledgement, so an answer the
 * registry gives is durable. One writer per topic is assumed (ids are allocated in memory).
 */
final class KafkaRegistryStore implements RegistryStore, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaRegistryStore.class);

  private final String bootstrapServers;
  private final String topic;
  private final Duration timeout;
  private final Clock clock;
  private final SchemasTopicCodec codec = new SchemasTopicCodec();
  private KafkaProducer<String, String> producer;

  /**
   * @param bootstrapServers Kafka bootstrap servers
   * @param topic the registry topic
   * @param timeout limit for topic creation, reading to the end and each write
   * @param clock clock for the read-to-end deadline
   */
  KafkaRegistryStore(String bootstrapServers, String topic, Duration timeout, Clock clock) {
    this.bootstrapServers = bootstrapServers;
    this.topic = topic;
    this.timeout = timeout;
    this.clock = clock;
  }

  @Override
  public synchronized List<RegistryRecord> load() {
    createTopicIfMissing();
    List<RegistryRecord> records = new ArrayList<>();
    TopicPartition partition = new TopicPartition(topic, 0);
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.CLIENT_ID_CONFIG,
                "tapwire-schema-registry-reader"),
            new StringDeserializer(),
            new StringDeserializer())) {
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition), timeout).get(partition);
      Instant deadline = clock.instant().plus(timeout);
      while (consumer.position(partition, timeout) < end) {
        if (clock.instant().isAfter(deadline)) {
          throw new IllegalStateException(
              "Could not read " + topic + " to its end offset " + end + " within " + timeout);
        }
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          decode(record).ifPresent(records::add);
        }
      }
    }
    LOG.info("Loaded {} registry records from topic {}", records.size(), topic);
    producer = newProducer();
    return records;
  }

  private Optional<RegistryRecord> decode(ConsumerRecord<String, String> record) {
    try {
      return codec.decode(record.key(), record.value());
    } catch (RuntimeException e) {
      // A foreign or corrupt record must not stop the registry; it carries no state we wrote.
      LOG.warn(
          "Skipping unreadable record {}-{}@{}: {}",
          record.topic(),
          record.partition(),
          record.offset(),
          e.getMessage());
      return Optional.empty();
    }
  }

  @Override
  public synchronized void append(RegistryRecord record) {
    if (producer == null) {
      throw new IllegalStateException("load() must be called before append()");
    }
    try {
      producer
          .send(new ProducerRecord<>(topic, 0, codec.key(record), codec.value(record)))
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while writing to " + topic, e);
    } catch (ExecutionException | TimeoutException | KafkaException e) {
      throw new IllegalStateException(
          "Could not write registry record to " + topic + ": " + e.getMessage(), e);
    }
  }

  private void createTopicIfMissing() {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      NewTopic newTopic =
          new NewTopic(topic, 1, (short) 1)
              .configs(
                  Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
      admin.createTopics(List.of(newTopic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      LOG.info("Created compacted registry topic {}", topic);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("Could not create topic " + topic, e.getCause());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while creating topic " + topic, e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("Timed out creating topic " + topic, e);
    }
  }

  private KafkaProducer<String, String> newProducer() {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            true,
            ProducerConfig.LINGER_MS_CONFIG,
            0,
            ProducerConfig.MAX_BLOCK_MS_CONFIG,
            timeout.toMillis(),
            ProducerConfig.CLIENT_ID_CONFIG,
            "tapwire-schema-registry-writer"),
        new StringSerializer(),
        new StringSerializer());
  }

  @Override
  public synchronized void close() {
    if (producer != null) {
      producer.close(timeout);
      producer = null;
    }
  }
}
