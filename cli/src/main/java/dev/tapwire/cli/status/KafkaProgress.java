package dev.tapwire.cli.status;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * End offsets of topics and the lag of every consumer group, read with the Kafka admin client.
 * Offsets count records plus transaction markers (the processor and the sinks are exactly-once), so
 * they are an upper bound on record counts.
 *
 * @param endOffsets topic → sum of its partitions' end offsets
 * @param lag consumer group → sum over its partitions of end offset minus committed offset
 */
public record KafkaProgress(Map<String, Long> endOffsets, Map<String, Long> lag) {
  private static final long TIMEOUT_SECONDS = 10;

  /**
   * Reads the end offsets of {@code topics} (missing topics are left out) and the lag of every
   * consumer group.
   *
   * @throws ExecutionException if the broker refuses
   * @throws TimeoutException if the broker does not answer within 10 s
   */
  public static KafkaProgress read(Admin admin, List<String> topics)
      throws ExecutionException, InterruptedException, TimeoutException {
    List<String> present =
        new ArrayList<>(admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
    present.retainAll(topics);
    Map<String, TopicDescription> descriptions =
        admin.describeTopics(present).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    descriptions.forEach(
        (topic, description) ->
            description
                .partitions()
                .forEach(
                    p ->
                        request.put(
                            new TopicPartition(topic, p.partition()), OffsetSpec.latest())));
    Map<TopicPartition, Long> ends = new HashMap<>();
    admin
        .listOffsets(request)
        .all()
        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
        .forEach((tp, info) -> ends.put(tp, info.offset()));
    Map<String, Long> endOffsets = new TreeMap<>();
    ends.forEach((tp, offset) -> endOffsets.merge(tp.topic(), offset, Long::sum));

    Map<String, Long> lag = new TreeMap<>();
    for (ConsumerGroupListing group :
        admin.listConsumerGroups().all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin
              .listConsumerGroupOffsets(group.groupId())
              .partitionsToOffsetAndMetadata()
              .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      long groupLag = 0;
      for (var entry : committed.entrySet()) {
        Long end = ends.get(entry.getKey());
        if (end != null && entry.getValue() != null) {
          groupLag += Math.max(0, end - entry.getValue().offset());
        }
      }
      lag.put(group.groupId(), groupLag);
    }
    return new KafkaProgress(endOffsets, lag);
  }
}
