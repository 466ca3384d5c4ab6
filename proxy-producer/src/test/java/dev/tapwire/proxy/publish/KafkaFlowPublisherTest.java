package dev.tapwire.proxy.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tapwire.avro.FlowEvent;
import dev.tapwire.embedded.kafka.EmbeddedKafkaBroker;
import dev.tapwire.proxy.capture.CaptureUnavailableException;
import dev.tapwire.proxy.publish.RawTopicReader.Consumed;
import dev.tapwire.proxy.spool.Spool;
import dev.tapwire.registry.InMemorySchemaRegistry;
import dev.tapwire.serde.AvroSerdes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link KafkaFlowPublisher} against a real in-process Kafka broker that the tests stop and restart
 * (on the same data directory and port), with the registry's real logic in memory.
 */
class KafkaFlowPublisherTest {
  @TempDir Path tmp;

  private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private EmbeddedKafkaBroker broker;
  private int port;
  private final List<KafkaFlowPublisher> publishers = new ArrayList<>();

  @BeforeEach
  void startBroker() {
    broker = EmbeddedKafkaBroker.builder().dataDir(tmp.resolve("kafka")).port(0).build();
    broker.start();
    port = broker.port();
  }

  @AfterEach
  void tearDown() {
    publishers.forEach(KafkaFlowPublisher::close);
    if (broker != null) {
      broker.close();
    }
  }

  private void stopBroker() {
    broker.close();
    broker = null;
  }

  private void restartBroker() {
    broker = EmbeddedKafkaBroker.builder().dataDir(tmp.resolve("kafka")).port(port).build();
    broker.start();
  }

  private String bootstrap() {
    return "127.0.0.1:" + port;
  }

  private void createTopic(String topic, int partitions) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()))) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
    }
  }

  private PublisherConfig config(String topic, Map<String, Object> extra) {
    Map<String, Object> props = new HashMap<>();
    props.put(PublisherConfig.TOPIC_CONFIG, topic);
    props.put(PublisherConfig.SPOOL_DIR_CONFIG, tmp.resolve("spool").toString());
    props.put(PublisherConfig.SLOW_AFTER_MS_CONFIG, 300L);
    props.put(PublisherConfig.RETRY_BACKOFF_MS_CONFIG, 100L);
    props.put(PublisherConfig.CLOSE_GRACE_MS_CONFIG, 2000L);
    props.put("kafka.bootstrap.servers", bootstrap());
    props.put("kafka.schema.registry.url", "http://127.0.0.1:1/unused-registry-in-memory");
    props.put("kafka.reconnect.backoff.max.ms", 200);
    props.putAll(extra);
    return new PublisherConfig(props);
  }

  private KafkaFlowPublisher start(PublisherConfig config) throws IOException {
    KafkaFlowPublisher publisher =
        new KafkaFlowPublisher(
            config,
            () -> new KafkaProducer<String, byte[]>(config.producerConfigs()),
            AvroSerdes.specific(FlowEvent.class, registry, false).serializer(),
            meters,
            Clock.systemUTC());
    publishers.add(publisher);
    publisher.start();
    return publisher;
  }

  private List<Consumed> readAll(String topic, int expected) {
    return RawTopicReader.readAll(
        bootstrap(), registry, topic, expected, Duration.ofSeconds(1), Duration.ofSeconds(60));
  }

  /** Asserts each flow's events are all there, once, in seq order, in one partition. */
  private static void assertCompleteOrderedFlows(List<Consumed> records, List<FlowEvent> sent) {
    Set<String> seen = new HashSet<>();
    for (Consumed c : records) {
      assertThat(seen.add(c.event().getFlowId() + "/" + c.event().getSeq()))
          .as("event %s/%s delivered once", c.event().getFlowId(), c.event().getSeq())
          .isTrue();
      assertThat(c.key()).isEqualTo(c.event().getFlowId().toString());
    }
    assertThat(records).hasSameSizeAs(sent);
    Map<UUID, Long> expectedCounts = new HashMap<>();
    sent.forEach(e -> expectedCounts.merge(e.getFlowId(), 1L, Long::sum));
    Map<UUID, List<Consumed>> flows = RawTopicReader.byFlow(records);
    assertThat(flows.keySet()).isEqualTo(expectedCounts.keySet());
    flows.forEach(
        (flow, events) -> {
          assertThat(events.stream().map(Consumed::partition).distinct()).hasSize(1);
          for (int i = 0; i < events.size(); i++) {
            assertThat(events.get(i).event().getSeq()).as("seq of flow %s", flow).isEqualTo(i);
          }
          assertThat((long) events.size()).isEqualTo(expectedCounts.get(flow));
        });
  }

  @Test
  void shouldPublishEveryFlowInOrderWithGaplessSeqInOnePartition() throws Exception {
    String topic = "flows-direct";
    createTopic(topic, 3);
    KafkaFlowPublisher publisher =
        start(config(topic, Map.of(PublisherConfig.SLOW_AFTER_MS_CONFIG, 5000L)));
    List<FlowEvent> events = TestFlows.interleaved(20, 30, 2048);
    events.forEach(publisher::publish);

    List<Consumed> records = readAll(topic, events.size());
    assertCompleteOrderedFlows(records, events);
    assertThat(publisher.mode()).isEqualTo(PublisherMode.DIRECT);
    assertThat(meters.counter("tapwire.capture.events.spooled").count()).isZero();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> meters.counter("tapwire.capture.events.published").count() == events.size());
    assertThat(publisher.isHealthy()).isTrue();
    assertThat(publisher.captureLagMillis()).isZero();
  }

  @Test
  void shouldSpoolWithoutBlockingWhileTheBrokerIsDownAndDeliverEveryEventOnceAfterRestart()
      throws Exception {
    String topic = "flows-outage";
    createTopic(topic, 3);
    KafkaFlowPublisher publisher = start(config(topic, Map.of()));
    List<FlowEvent> events = TestFlows.interleaved(40, 20, 1024);
    int half = events.size() / 2;
    for (FlowEvent e : events.subList(0, half)) {
      publisher.publish(e);
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> meters.counter("tapwire.capture.events.published").count() == half);

    stopBroker();
    long maxNanos = 0;
    for (FlowEvent e : events.subList(half, events.size())) {
      long t0 = System.nanoTime();
      publisher.publish(e);
      maxNanos = Math.max(maxNanos, System.nanoTime() - t0);
    }
    // A blocking call would wait at least max.block.ms (1000 ms) for metadata.
    System.out.printf(
        "publish() while the broker was down: slowest call %.3f ms%n", maxNanos / 1e6);
    assertThat(maxNanos).isLessThan(Duration.ofMillis(200).toNanos());
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> publisher.mode() == PublisherMode.SPOOLING && publisher.spoolDepthRecords() > 0);
    assertThat(publisher.isHealthy()).as("spool has room").isTrue();
    assertThat(publisher.captureLagMillis()).isPositive();

    restartBroker();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> publisher.mode() == PublisherMode.DIRECT && publisher.spoolDepthRecords() == 0);
    List<Consumed> records = readAll(topic, events.size());
    assertCompleteOrderedFlows(records, events);

    // and direct publishing works again afterwards
    List<FlowEvent> more = TestFlows.interleaved(3, 2, 100);
    more.forEach(publisher::publish);
    assertThat(readAll(topic, events.size() + more.size())).hasSize(events.size() + more.size());
  }

  @Test
  void shouldKeepTheSpoolAcrossAPublisherRestartAndDrainItWhenKafkaIsBack() throws Exception {
    String topic = "flows-restart";
    createTopic(topic, 2);
    stopBroker();

    KafkaFlowPublisher first = start(config(topic, Map.of()));
    List<FlowEvent> events = TestFlows.interleaved(10, 10, 4096);
    events.forEach(first::publish);
    await().atMost(Duration.ofSeconds(15)).until(() -> first.spoolDepthRecords() == events.size());
    first.close();

    restartBroker();
    KafkaFlowPublisher second = start(config(topic, Map.of()));
    assertThat(second.mode()).isEqualTo(PublisherMode.SPOOLING);
    await().atMost(Duration.ofSeconds(60)).until(() -> second.mode() == PublisherMode.DIRECT);
    List<Consumed> records = readAll(topic, events.size());
    assertCompleteOrderedFlows(records, events);
  }

  @Test
  void shouldLeaveEveryUnacknowledgedEventInTheSpoolWhenClosedWhileKafkaIsDown() throws Exception {
    String topic = "flows-close";
    createTopic(topic, 2);
    PublisherConfig config =
        config(
            topic,
            Map.of(
                PublisherConfig.SLOW_AFTER_MS_CONFIG, 60_000L,
                PublisherConfig.CLOSE_GRACE_MS_CONFIG, 500L));
    KafkaFlowPublisher first = start(config);
    List<FlowEvent> before = TestFlows.interleaved(5, 3, 512);
    before.forEach(first::publish);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> meters.counter("tapwire.capture.events.published").count() == before.size());

    stopBroker();
    // slow.after.ms is long: these events are either still in flight at close (then close() copies
    // them to the spool after the grace period) or failed for lack of metadata (then spooled).
    List<FlowEvent> inFlight = TestFlows.interleaved(5, 3, 512);
    inFlight.forEach(first::publish);
    first.close();
    assertThat(first.status().spoolRecords()).isEqualTo(inFlight.size());

    restartBroker();
    KafkaFlowPublisher second = start(config);
    await().atMost(Duration.ofSeconds(60)).until(() -> second.mode() == PublisherMode.DIRECT);
    List<FlowEvent> all = new ArrayList<>(before);
    all.addAll(inFlight);
    assertCompleteOrderedFlows(readAll(topic, all.size()), all);
  }

  @Test
  void shouldBecomeUnhealthyAndRefuseEventsWhenTheSpoolCapIsReached() throws Exception {
    String topic = "flows-cap";
    createTopic(topic, 1);
    stopBroker();
    KafkaFlowPublisher publisher =
        start(
            config(
                topic,
                Map.of(
                    PublisherConfig.SPOOL_MAX_BYTES_CONFIG,
                    4L * 1024 * 1024,
                    PublisherConfig.SPOOL_SEGMENT_BYTES_CONFIG,
                    256 * 1024,
                    PublisherConfig.QUEUE_CAPACITY_CONFIG,
                    32,
                    PublisherConfig.QUEUE_SPOOL_THRESHOLD_CONFIG,
                    16)));
    assertThat(publisher.isHealthy()).isTrue();
    // Publish 64 KiB body parts until the spool reaches its cap. While Kafka is unreachable the
    // publisher falls back to the spool; the queue may briefly refuse events meanwhile.
    List<FlowEvent> accepted = new ArrayList<>();
    PublisherStatus status = publisher.status();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline
        && (status.reason() == null || !status.reason().contains("spool.max.bytes"))) {
      for (FlowEvent e : TestFlows.flow(UUID.randomUUID(), 4, 64 * 1024)) {
        try {
          publisher.publish(e);
          accepted.add(e);
        } catch (CaptureUnavailableException ex) {
          Thread.sleep(20);
        }
      }
      status = publisher.status();
    }
    assertThat(status.healthy()).isFalse();
    assertThat(status.reason()).contains("spool.max.bytes");
    assertThat(publisher.isHealthy()).as("stays unhealthy while Kafka is down").isFalse();
    assertThat(publisher.spoolDepthBytes()).isGreaterThan(2L * 1024 * 1024);
    // Events are still taken while the last bytes of the spool fill up; then publish() refuses.
    CaptureUnavailableException refused = null;
    for (FlowEvent e : TestFlows.interleaved(10, 10, 64 * 1024)) {
      try {
        publisher.publish(e);
        accepted.add(e);
        Thread.sleep(5);
      } catch (CaptureUnavailableException ex) {
        refused = ex;
        break;
      }
    }
    assertThat(refused).isNotNull();
    assertThat(refused.getMessage()).contains("full");

    restartBroker();
    await().atMost(Duration.ofSeconds(60)).until(publisher::isHealthy);
    await().atMost(Duration.ofSeconds(60)).until(() -> publisher.spoolDepthRecords() == 0);
    // Every event accepted before the cap was hit reaches Kafka.
    List<Consumed> records = readAll(topic, accepted.size());
    Set<String> keys = new HashSet<>();
    records.forEach(c -> keys.add(c.event().getFlowId() + "/" + c.event().getSeq()));
    for (FlowEvent e : accepted) {
      assertThat(keys).contains(e.getFlowId() + "/" + e.getSeq());
    }
  }

  @Test
  void shouldSkipAnUnreadableSpoolRecordKeepItsBytesAndPublishTheRest() throws Exception {
    String topic = "flows-unreadable";
    createTopic(topic, 1);
    PublisherConfig config = config(topic, Map.of());
    List<FlowEvent> events = TestFlows.flow(UUID.randomUUID(), 2, 100);
    FlowEventCodec codec = new FlowEventCodec(config.spoolOptions().dir());
    try (Spool spool = Spool.open(config.spoolOptions(), Clock.systemUTC())) {
      spool.append(codec.encode(events.get(0)));
      spool.append("not a flow event".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      for (FlowEvent e : events.subList(1, events.size())) {
        spool.append(codec.encode(e));
      }
    }
    KafkaFlowPublisher publisher = start(config);
    await().atMost(Duration.ofSeconds(30)).until(() -> publisher.mode() == PublisherMode.DIRECT);
    assertCompleteOrderedFlows(readAll(topic, events.size()), events);
    assertThat(meters.counter("tapwire.capture.events.dropped").count()).isEqualTo(1);
    assertThat(config.spoolOptions().dir().resolve("unreadable-1.bin"))
        .hasContent("not a flow event");
  }

  @Test
  void shouldRefuseEventsAfterClose() throws Exception {
    String topic = "flows-closed";
    createTopic(topic, 1);
    KafkaFlowPublisher publisher = start(config(topic, Map.of()));
    publisher.close();
    assertThat(publisher.isHealthy()).isFalse();
    FlowEvent event = TestFlows.flow(UUID.randomUUID(), 0, 0).get(0);
    assertThatThrownBy(() -> publisher.publish(event))
        .isInstanceOf(CaptureUnavailableException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void shouldRejectEventsLargerThanKafkasRecordLimit() throws Exception {
    String topic = "flows-large";
    createTopic(topic, 1);
    KafkaFlowPublisher publisher = start(config(topic, Map.of()));
    FlowEvent tooLarge = TestFlows.flow(UUID.randomUUID(), 1, 1024 * 1024).get(1);
    assertThatThrownBy(() -> publisher.publish(tooLarge))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("256 KiB");
  }
}
