package dev.tapwire.cli.run;

import dev.tapwire.schemas.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the Tapwire topics that are missing ({@link Topics#RAW_FLOWS}, {@link Topics#CALLS} and
 * their dead-letter topics); existing topics are left as they are. The embedded broker does not
 * auto-create topics, and Kafka Streams needs its input topic to exist.
 */
public final class TopicBootstrap {
  /** The topics every Tapwire deployment needs. */
  public static final List<String> TOPICS =
      List.of(Topics.RAW_FLOWS, Topics.CALLS, Topics.FLOWS_DLQ, Topics.CALLS_DLQ);

  private static final Logger log = LoggerFactory.getLogger(TopicBootstrap.class);
  private static final long TIMEOUT_SECONDS = 60;

  private TopicBootstrap() {}

  /**
   * Creates the missing topics.
   *
   * @param adminConfig Kafka admin client properties (at least {@code bootstrap.servers})
   * @param partitions partitions of a created topic
   * @param replicationFactor replication factor of a created topic; -1 for the broker default
   * @return the topics that were created
   * @throws IllegalStateException if the broker cannot be reached within 60 s or refuses
   */
  public static List<String> ensure(
      Map<String, Object> adminConfig, int partitions, short replicationFactor) {
    return ensure(adminConfig, TOPICS, partitions, replicationFactor);
  }

  /**
   * Creates those of {@code topics} that are missing.
   *
   * @see #ensure(Map, int, short)
   */
  public static List<String> ensure(
      Map<String, Object> adminConfig,
      List<String> topics,
      int partitions,
      short replicationFactor) {
    List<String> created = new ArrayList<>();
    try (Admin admin = Admin.create(adminConfig)) {
      Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      List<NewTopic> missing = new ArrayList<>();
      for (String topic : new java.util.LinkedHashSet<>(topics)) {
        if (!existing.contains(topic)) {
          missing.add(
              new NewTopic(
                  topic,
                  Optional.of(partitions),
                  replicationFactor < 0 ? Optional.empty() : Optional.of(replicationFactor)));
        }
      }
      for (var entry : admin.createTopics(missing).values().entrySet()) {
        try {
          entry.getValue().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
          created.add(entry.getKey());
          log.info("created topic {} ({} partitions)", entry.getKey(), partitions);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "cannot create the Tapwire topics on " + adminConfig.get("bootstrap.servers"), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    }
    return created;
  }
}
