package dev.tapwire.testkit;

import dev.tapwire.serde.RestSchemaRegistryClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.streams.StreamsConfig;

/**
 * What a test gets from {@link KafkaExtension}: a running Kafka broker and schema registry shared
 * by every test class in this JVM, plus helpers for topics and client settings.
 *
 * <p>Because the broker is shared, use {@link #uniqueName(String)} (or otherwise distinct names)
 * for topics, consumer groups, transactional ids and Kafka Streams application ids.
 *
 * <p>Client settings returned here are fresh mutable maps without serializers; add yours. They
 * include {@code schema.registry.url}, which Tapwire's {@code AvroSerdes} read (Kafka clients log
 * it once as an unused setting).
 */
public final class KafkaEnvironment {

  /** The configuration key Tapwire's Avro serdes read the registry URL from. */
  public static final String SCHEMA_REGISTRY_URL_CONFIG = "schema.registry.url";

  private static final long ADMIN_TIMEOUT_SECONDS = 30;
  private static final int LEADER_WAIT_ATTEMPTS = 300;
  private static final long LEADER_WAIT_STEP_MS = 100;

  private final KafkaBackend backend;
  private final Admin admin;
  private final AtomicLong names = new AtomicLong();
  private Path stateRoot;

  KafkaEnvironment(KafkaBackend backend) {
    this.backend = backend;
    this.admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, backend.bootstrapServers()));
  }

  /** {@code host:port} for {@code bootstrap.servers}, e.g. {@code 127.0.0.1:40123}. */
  public String bootstrapServers() {
    return backend.bootstrapServers();
  }

  /** The schema registry's base URL, e.g. {@code http://127.0.0.1:40321}. */
  public String schemaRegistryUrl() {
    return backend.schemaRegistryUrl();
  }

  /** A new REST client for {@link #schemaRegistryUrl()} (its own caches, default retries). */
  public RestSchemaRegistryClient schemaRegistryClient() {
    return new RestSchemaRegistryClient(schemaRegistryUrl());
  }

  /** An admin client for the shared broker; owned by the environment, do not close it. */
  public Admin admin() {
    return admin;
  }

  /**
   * Returns {@code prefix} followed by a counter and a random suffix, unique in this JVM and across
   * runs, e.g. {@code calls-3-1f2e9a}: for topic names, group ids and application ids.
   */
  public String uniqueName(String prefix) {
    return prefix
        + "-"
        + names.incrementAndGet()
        + "-"
        + UUID.randomUUID().toString().substring(0, 8);
  }

  /**
   * Creates a topic with replication factor 1 and waits until every partition has a leader.
   * Idempotent: an existing topic with the same partition count is accepted.
   *
   * @throws IllegalStateException if the topic exists with a different partition count, or the
   *     broker does not confirm within 30 s
   */
  public void createTopic(String name, int partitions) {
    createTopic(name, partitions, Map.of());
  }

  /**
   * Like {@link #createTopic(String, int)} with topic configs, e.g. {@code Map.of("cleanup.policy",
   * "compact")}. Configs of an existing topic are not compared.
   */
  public void createTopic(String name, int partitions, Map<String, String> configs) {
    NewTopic topic = new NewTopic(name, partitions, (short) 1).configs(configs);
    try {
      admin
          .createTopics(
              List.of(topic),
              new CreateTopicsOptions().timeoutMs((int) (ADMIN_TIMEOUT_SECONDS * 1000)))
          .all()
          .get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("Cannot create topic " + name, e.getCause());
      }
    } catch (TimeoutException e) {
      throw new IllegalStateException("Creating topic " + name + " timed out", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while creating topic " + name, e);
    }
    awaitLeaders(name, partitions);
  }

  private void awaitLeaders(String name, int partitions) {
    for (int attempt = 0; attempt < LEADER_WAIT_ATTEMPTS; attempt++) {
      TopicDescription description = describe(name);
      if (description != null) {
        if (description.partitions().size() != partitions) {
          throw new IllegalStateException(
              "Topic "
                  + name
                  + " exists with "
                  + description.partitions().size()
                  + " partitions, not "
                  + partitions);
        }
        if (description.partitions().stream().allMatch(p -> p.leader() != null)) {
          return;
        }
      }
      sleep(LEADER_WAIT_STEP_MS);
    }
    throw new IllegalStateException("Topic " + name + " has no leader for every partition");
  }

  private TopicDescription describe(String name) {
    try {
      return admin
          .describeTopics(Set.of(name))
          .allTopicNames()
          .get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS)
          .get(name);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return null;
      }
      throw new IllegalStateException("Cannot describe topic " + name, e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("Describing topic " + name + " timed out", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while describing topic " + name, e);
    }
  }

  /**
   * Producer settings: bootstrap servers, {@code acks=all}, idempotence on, and the registry URL.
   */
  public Map<String, Object> producerProperties() {
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(SCHEMA_REGISTRY_URL_CONFIG, schemaRegistryUrl());
    return props;
  }

  /**
   * Consumer settings: bootstrap servers, the group id, {@code isolation.level=read_committed}
   * (aborted and open transactions are invisible), {@code auto.offset.reset=earliest}, and the
   * registry URL.
   */
  public Map<String, Object> consumerProperties(String groupId) {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(SCHEMA_REGISTRY_URL_CONFIG, schemaRegistryUrl());
    return props;
  }

  /**
   * Kafka Streams settings: the application id, bootstrap servers, {@code
   * processing.guarantee=exactly_once_v2}, a 100 ms commit interval (so results appear quickly), a
   * fresh state directory under a temporary folder deleted at the end of the run, and the registry
   * URL.
   */
  public Map<String, Object> streamsProperties(String applicationId) {
    Map<String, Object> props = new HashMap<>();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    props.put(StreamsConfig.STATE_DIR_CONFIG, newStateDir(applicationId).toString());
    props.put(SCHEMA_REGISTRY_URL_CONFIG, schemaRegistryUrl());
    return props;
  }

  private synchronized Path newStateDir(String applicationId) {
    try {
      if (stateRoot == null) {
        stateRoot = Files.createTempDirectory("tapwire-test-streams-");
      }
      return Files.createTempDirectory(stateRoot, applicationId + "-");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create a Kafka Streams state directory", e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    }
  }

  /** Closes the admin client and the backend, and deletes the Streams state folder. */
  void shutdown() throws Exception {
    Exception failure = new Exception("Shutting down the Kafka test environment failed");
    try {
      admin.close();
    } catch (RuntimeException e) {
      failure.addSuppressed(e);
    }
    try {
      backend.close();
    } catch (Exception e) {
      failure.addSuppressed(e);
    }
    synchronized (this) {
      if (stateRoot != null) {
        try (Stream<Path> paths = Files.walk(stateRoot)) {
          for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(p);
          }
        } catch (IOException e) {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure.getSuppressed().length > 0) {
      throw failure;
    }
  }
}
