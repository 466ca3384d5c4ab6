package dev.tapwire.replay;

import dev.tapwire.avro.FlowEvent;
import dev.tapwire.serde.AvroSerdes;
import dev.tapwire.testkit.KafkaEnvironment;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringSerializer;

/** Writes flow events to a topic the way the proxy does, and reads a topic back per flow. */
final class RawTopic {
  private RawTopic() {}

  static Serde<FlowEvent> serde(KafkaEnvironment env) {
    return AvroSerdes.specific(
        FlowEvent.class, Map.of("schema.registry.url", env.schemaRegistryUrl()), false);
  }

  /**
   * Produces the flows' events interleaved in event-time order (as concurrent flows arrive), key =
   * flow id, record timestamp = event time, and waits until the broker has acknowledged every one.
   *
   * @throws AssertionError if any send failed (naming the flow and sequence number)
   */
  static void produce(KafkaEnvironment env, String topic, List<List<FlowEvent>> flows) {
    List<FlowEvent> all = new ArrayList<>();
    flows.forEach(all::addAll);
    all.sort(Comparator.comparing(FlowEvent::getEventTime));
    Map<String, Object> props = env.producerProperties();
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    Map<String, Future<RecordMetadata>> sent = new LinkedHashMap<>();
    try (Serde<FlowEvent> serde = serde(env);
        KafkaProducer<String, FlowEvent> producer =
            new KafkaProducer<>(props, new StringSerializer(), serde.serializer())) {
      for (FlowEvent e : all) {
        sent.put(
            e.getFlowId() + "#" + e.getSeq(),
            producer.send(
                new ProducerRecord<>(
                    topic, null, e.getEventTime().toEpochMilli(), e.getFlowId().toString(), e)));
      }
      producer.flush();
    }
    for (Map.Entry<String, Future<RecordMetadata>> s : sent.entrySet()) {
      try {
        s.getValue().get();
      } catch (ExecutionException e) {
        throw new AssertionError("producing event " + s.getKey() + " to " + topic + " failed", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while producing to " + topic, e);
      }
    }
  }

  /**
   * Every record of {@code topic} written before the call, as a {@code read_committed} consumer
   * sees it: flow id (the key) → values in offset order.
   *
   * <p>Reads up to the high watermarks taken at the start, not to the {@code read_committed} end
   * offsets (the last stable offsets): a transaction's commit returns to its producer once the
   * coordinator has recorded the decision, and its markers reach the partitions a moment later, so
   * right after a replay the last stable offset may still stand before the flows it committed.
   * Reading up to the high watermark waits until every transaction in that range is decided;
   * committed records are returned, aborted ones skipped.
   *
   * @throws AssertionError if the topic cannot be read that far within 30 s (a transaction left
   *     open)
   */
  static Map<String, List<byte[]>> read(KafkaEnvironment env, String topic) {
    Map<String, Object> props = new HashMap<>(env.consumerProperties(env.uniqueName("read")));
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    Map<String, List<byte[]>> flows = new LinkedHashMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo p : consumer.partitionsFor(topic)) {
        partitions.add(new TopicPartition(topic, p.partition()));
      }
      Map<TopicPartition, Long> end = highWatermarks(env, partitions);
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("could not read " + topic + " to its end " + end);
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          flows
              .computeIfAbsent(new String(r.key(), StandardCharsets.UTF_8), k -> new ArrayList<>())
              .add(r.value());
        }
      }
    }
    return flows;
  }

  /** The partitions' high watermarks (their end offsets at {@code read_uncommitted}). */
  private static Map<TopicPartition, Long> highWatermarks(
      KafkaEnvironment env, List<TopicPartition> partitions) {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
    try {
      Map<TopicPartition, Long> end = new HashMap<>();
      env.admin()
          .listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED))
          .all()
          .get(30, TimeUnit.SECONDS)
          .forEach((tp, info) -> end.put(tp, info.offset()));
      return end;
    } catch (ExecutionException | TimeoutException e) {
      throw new AssertionError("cannot list the end offsets of " + partitions, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while listing end offsets", e);
    }
  }

  static int partitions(KafkaEnvironment env, String topic) throws Exception {
    return env.admin()
        .describeTopics(List.of(topic))
        .allTopicNames()
        .get()
        .get(topic)
        .partitions()
        .size();
  }
}
