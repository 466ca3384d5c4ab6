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
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
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
   * flow id, record timestamp = event time.
   */
  static void produce(KafkaEnvironment env, String topic, List<List<FlowEvent>> flows) {
    List<FlowEvent> all = new ArrayList<>();
    flows.forEach(all::addAll);
    all.sort(Comparator.comparing(FlowEvent::getEventTime));
    Map<String, Object> props = env.producerProperties();
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    try (Serde<FlowEvent> serde = serde(env);
        KafkaProducer<String, FlowEvent> producer =
            new KafkaProducer<>(props, new StringSerializer(), serde.serializer())) {
      for (FlowEvent e : all) {
        producer.send(
            new ProducerRecord<>(
                topic, null, e.getEventTime().toEpochMilli(), e.getFlowId().toString(), e));
      }
      producer.flush();
    }
  }

  /** Every record of {@code topic}: flow id (the key) → values in offset order. */
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
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("could not read " + topic + " to its end");
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
