package dev.tapwire.proxy.it;

import static dev.tapwire.proxy.FlowAssertions.assertCompleteFlow;
import static dev.tapwire.proxy.FlowAssertions.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tapwire.avro.FlowEnd;
import dev.tapwire.avro.FlowEvent;
import dev.tapwire.avro.RequestHead;
import dev.tapwire.avro.Termination;
import dev.tapwire.embedded.kafka.EmbeddedKafkaBroker;
import dev.tapwire.proxy.FlowAssertions.Bodies;
import dev.tapwire.proxy.ProxyConfig;
import dev.tapwire.proxy.ProxyService;
import dev.tapwire.proxy.admin.AdminServer;
import dev.tapwire.proxy.admin.CaptureHealthCheck;
import dev.tapwire.proxy.publish.KafkaFlowPublisher;
import dev.tapwire.proxy.publish.PublisherConfig;
import dev.tapwire.proxy.publish.PublisherMode;
import dev.tapwire.proxy.publish.RawTopicReader;
import dev.tapwire.proxy.publish.RawTopicReader.Consumed;
import dev.tapwire.registry.InMemorySchemaRegistry;
import dev.tapwire.serde.AvroSerdes;
import dev.tapwire.testkit.upstream.FakeAnthropicUpstream;
import dev.tapwire.testkit.upstream.TestCertificateAuthority;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proxy and the Kafka publisher together, end to end: the JDK HttpClient through the MITM proxy
 * to the fake Anthropic upstream, flow events into a real in-process broker that the tests stop and
 * restart (same data directory, same port).
 */
class ProxyCaptureThroughKafkaTest {
  static final String API_KEY = "sk-ant-api03-IT-SECRET-KEY-do-not-capture-0123456789";
  static final String OAUTH = "sk-ant-oat01-IT-OAUTH-SECRET-do-not-capture";

  @TempDir static Path tmp;
  static FakeAnthropicUpstream upstream;
  static EmbeddedKafkaBroker broker;
  static int port;
  static final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();

  private final PrometheusMeterRegistry meters =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private Path work;

  @BeforeAll
  static void startAll() {
    upstream = FakeAnthropicUpstream.https();
    broker = EmbeddedKafkaBroker.builder().dataDir(tmp.resolve("kafka")).port(0).build();
    broker.start();
    port = broker.port();
  }

  @AfterAll
  static void stopAll() {
    if (broker != null) {
      broker.close();
    }
    upstream.close();
  }

  @BeforeEach
  void ensureBroker() throws Exception {
    if (broker == null) {
      restartBroker();
    }
    work = tmp.resolve("t-" + UUID.randomUUID());
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  static void stopBroker() {
    broker.close();
    broker = null;
  }

  static void restartBroker() {
    broker = EmbeddedKafkaBroker.builder().dataDir(tmp.resolve("kafka")).port(port).build();
    broker.start();
  }

  static String bootstrap() {
    return "127.0.0.1:" + port;
  }

  static void createTopic(String topic, int partitions) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()))) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
    }
  }

  private KafkaFlowPublisher publisher(String topic, Map<String, Object> extra) throws Exception {
    Map<String, Object> props = new HashMap<>();
    props.put(PublisherConfig.TOPIC_CONFIG, topic);
    props.put(PublisherConfig.SPOOL_DIR_CONFIG, work.resolve("spool").toString());
    props.put(PublisherConfig.SLOW_AFTER_MS_CONFIG, 300L);
    props.put(PublisherConfig.RETRY_BACKOFF_MS_CONFIG, 100L);
    props.put(PublisherConfig.CLOSE_GRACE_MS_CONFIG, 1000L);
    props.put("kafka.bootstrap.servers", bootstrap());
    props.put("kafka.schema.registry.url", "http://127.0.0.1:1/unused-registry-in-memory");
    props.put("kafka.reconnect.backoff.max.ms", 200);
    props.putAll(extra);
    PublisherConfig config = new PublisherConfig(props);
    KafkaFlowPublisher publisher =
        new KafkaFlowPublisher(
            config,
            () -> new KafkaProducer<String, byte[]>(config.producerConfigs()),
            AvroSerdes.specific(FlowEvent.class, registry, false).serializer(),
            meters,
            Clock.systemUTC());
    publisher.start();
    closeables.add(publisher);
    return publisher;
  }

  private ProxyService proxy(KafkaFlowPublisher sink, String onCaptureFailure) {
    Map<String, Object> props = new HashMap<>();
    props.put(ProxyConfig.PORT, 0);
    props.put(ProxyConfig.DATA_DIR, work.resolve("proxy").toString());
    props.put(ProxyConfig.MITM_HOSTS, "localhost");
    props.put(ProxyConfig.PROXY_ID, "it-proxy");
    props.put(ProxyConfig.SHUTDOWN_GRACE_MS, 500L);
    props.put(ProxyConfig.ALLOWED_CONNECT_PORTS, "443," + upstream.port());
    props.put(
        ProxyConfig.UPSTREAM_CA, upstream.writeCaPem(work.resolve("upstream-ca.pem")).toString());
    props.put(ProxyConfig.ON_CAPTURE_FAILURE, onCaptureFailure);
    ProxyService proxy = new ProxyService(new ProxyConfig(props), sink, meters).start();
    closeables.add(proxy);
    return proxy;
  }

  private static HttpClient client(ProxyService proxy) {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", proxy.port())))
        .sslContext(
            TestCertificateAuthority.clientSslContextTrusting(
                proxy.certificateAuthority().certificate()))
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  /** One request through the proxy; returns the response (status and body as the client saw). */
  private static HttpResponse<byte[]> call(HttpClient client, int i) throws Exception {
    HttpRequest.Builder request;
    switch (i % 3) {
      case 0 ->
          request =
              HttpRequest.newBuilder(upstream.baseUri().resolve("/v1/messages?beta=true&i=" + i))
                  .header("x-api-key", API_KEY)
                  .header("content-type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":64,\"messages\":[]}"));
      case 1 ->
          request =
              HttpRequest.newBuilder(upstream.baseUri().resolve("/v1/messages?i=" + i))
                  .header("authorization", "Bearer " + OAUTH)
                  .header(FakeAnthropicUpstream.EVENTS, "30")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"model\":\"claude-sonnet-4-5\",\"stream\":true,\"messages\":[]}"));
      default -> {
        byte[] body = new byte[600 * 1024];
        new Random(i).nextBytes(body);
        request =
            HttpRequest.newBuilder(upstream.baseUri().resolve("/upload?i=" + i))
                .header("x-api-key", API_KEY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
      }
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** Checks every flow of the topic: complete, each event once, in order, in one partition. */
  private static Map<UUID, List<FlowEvent>> assertEveryFlowExactlyOnce(
      String topic, int expectedFlows, Map<String, String> responseShaByPath) throws Exception {
    List<Consumed> records =
        RawTopicReader.readAll(
            bootstrap(), registry, topic, 1, Duration.ofSeconds(2), Duration.ofSeconds(60));
    Set<String> seen = new HashSet<>();
    for (Consumed c : records) {
      assertThat(seen.add(c.event().getFlowId() + "/" + c.event().getSeq()))
          .as("event %s/%s delivered once", c.event().getFlowId(), c.event().getSeq())
          .isTrue();
    }
    Map<UUID, List<FlowEvent>> flows = new HashMap<>();
    RawTopicReader.byFlow(records)
        .forEach(
            (id, events) -> {
              assertThat(events.stream().map(Consumed::partition).distinct()).hasSize(1);
              flows.put(id, events.stream().map(Consumed::event).toList());
            });
    assertThat(flows).hasSize(expectedFlows);
    for (List<FlowEvent> flow : flows.values()) {
      Bodies bodies = assertCompleteFlow(flow);
      assertThat(bodies.end().getTermination()).isEqualTo(Termination.COMPLETE);
      String path = ((RequestHead) flow.get(0).getPayload()).getPath();
      assertThat(responseShaByPath).containsKey(path);
      assertThat(((FlowEnd) flow.get(flow.size() - 1).getPayload()).getResponseSha256())
          .as("captured response of %s is what the client received", path)
          .isEqualTo(responseShaByPath.get(path));
    }
    for (byte[] raw : RawTopicReader.readRaw(bootstrap(), topic, Duration.ofSeconds(1))) {
      String text = new String(raw, StandardCharsets.ISO_8859_1);
      assertThat(text).doesNotContain(API_KEY).doesNotContain(OAUTH).doesNotContain("sk-ant-");
    }
    return flows;
  }

  private static String pathOf(int i) {
    return switch (i % 3) {
      case 0 -> "/v1/messages?beta=true&i=" + i;
      case 1 -> "/v1/messages?i=" + i;
      default -> "/upload?i=" + i;
    };
  }

  @Test
  void shouldRelayWithoutErrorsWhileKafkaIsDownAndDeliverEveryEventExactlyOnceWhenItIsBack()
      throws Exception {
    String topic = "it-outage";
    createTopic(topic, 3);
    KafkaFlowPublisher publisher = publisher(topic, Map.of());
    ProxyService proxy = proxy(publisher, "forward");
    HttpClient client = client(proxy);
    Map<String, String> shaByPath = new HashMap<>();

    for (int i = 0; i < 3; i++) {
      HttpResponse<byte[]> response = call(client, i);
      assertThat(response.statusCode()).isEqualTo(200);
      shaByPath.put(pathOf(i), sha256(response.body()));
    }
    stopBroker();
    for (int i = 3; i < 12; i++) {
      HttpResponse<byte[]> response = call(client, i);
      assertThat(response.statusCode())
          .as("client sees no error while Kafka is down")
          .isEqualTo(200);
      shaByPath.put(pathOf(i), sha256(response.body()));
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                publisher.mode() == PublisherMode.SPOOLING
                    && publisher.status().spoolRecords() > 0);
    assertThat(publisher.isHealthy()).isTrue();

    restartBroker();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                publisher.mode() == PublisherMode.DIRECT && publisher.status().spoolRecords() == 0);
    await().atMost(Duration.ofSeconds(10)).until(() -> proxy.activeFlows() == 0);
    assertEveryFlowExactlyOnce(topic, 12, shaByPath);
  }

  @Test
  void shouldKeepSpooledFlowsAcrossAProxyRestartAndPublishThemWhenKafkaIsBack() throws Exception {
    String topic = "it-restart";
    createTopic(topic, 2);
    stopBroker();
    Map<String, String> shaByPath = new HashMap<>();
    KafkaFlowPublisher first = publisher(topic, Map.of());
    ProxyService firstProxy = proxy(first, "forward");
    HttpClient client = client(firstProxy);
    for (int i = 0; i < 6; i++) {
      HttpResponse<byte[]> response = call(client, i);
      assertThat(response.statusCode()).isEqualTo(200);
      shaByPath.put(pathOf(i), sha256(response.body()));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> firstProxy.activeFlows() == 0);
    // shutdown order of the single-process mode: the proxy first, then its sink
    firstProxy.close();
    first.close();
    assertThat(first.status().spoolRecords()).isPositive();

    restartBroker();
    KafkaFlowPublisher second = publisher(topic, Map.of());
    assertThat(second.mode()).isEqualTo(PublisherMode.SPOOLING);
    ProxyService secondProxy = proxy(second, "forward");
    HttpResponse<byte[]> after = call(client(secondProxy), 6);
    assertThat(after.statusCode()).isEqualTo(200);
    shaByPath.put(pathOf(6), sha256(after.body()));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> second.mode() == PublisherMode.DIRECT && second.status().spoolRecords() == 0);
    await().atMost(Duration.ofSeconds(10)).until(() -> secondProxy.activeFlows() == 0);
    assertEveryFlowExactlyOnce(topic, 7, shaByPath);
  }

  @Test
  void shouldAnswer503InBlockModeWhileCaptureCannotBeGuaranteed() throws Exception {
    String topic = "it-block";
    createTopic(topic, 1);
    stopBroker();
    KafkaFlowPublisher publisher =
        publisher(
            topic,
            Map.of(
                PublisherConfig.SPOOL_MAX_BYTES_CONFIG, 4L * 1024 * 1024,
                PublisherConfig.SPOOL_SEGMENT_BYTES_CONFIG, 256 * 1024));
    ProxyService proxy = proxy(publisher, "block");
    AdminServer admin =
        new AdminServer(
            new InetSocketAddress("127.0.0.1", 0),
            meters,
            List.of(new CaptureHealthCheck(publisher)));
    admin.start();
    closeables.add(admin);
    HttpClient client = client(proxy);
    HttpClient plain = HttpClient.newHttpClient();
    URI healthz = URI.create("http://127.0.0.1:" + admin.port() + "/healthz");

    assertThat(
            plain
                .send(HttpRequest.newBuilder(healthz).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(200);
    // 600 KiB uploads fill the 4 MiB spool while Kafka is down; requests pass while it has room.
    int ok = 0;
    for (int i = 2; i < 60 && publisher.isHealthy(); i += 3) {
      HttpResponse<byte[]> response = call(client, i);
      assertThat(response.statusCode()).isEqualTo(200);
      ok++;
      // The publisher hands events to the spool after the response; judge health only then.
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> proxy.activeFlows() == 0 && publisher.status().queuedEvents() == 0);
    }
    assertThat(ok).as("requests pass while the spool has room").isPositive();
    assertThat(publisher.isHealthy()).isFalse();
    HttpResponse<byte[]> refused = call(client, 0);
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(new String(refused.body(), StandardCharsets.UTF_8)).contains("capture");
    HttpResponse<String> down =
        plain.send(HttpRequest.newBuilder(healthz).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(down.statusCode()).isEqualTo(503);
    assertThat(new ObjectMapper().readTree(down.body()).at("/checks/capture/reason").asText())
        .contains("spool.max.bytes");
    HttpResponse<String> metrics =
        plain.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port() + "/metrics"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(metrics.body().lines())
        .contains("tapwire_capture_healthy 0.0")
        .anyMatch(l -> l.startsWith("tapwire_capture_spool_bytes "))
        .anyMatch(l -> l.startsWith("tapwire_capture_mode{mode=\"spooling\"} 1.0"));

    restartBroker();
    await().atMost(Duration.ofSeconds(60)).until(publisher::isHealthy);
    HttpResponse<byte[]> again = call(client, 0);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(
            plain
                .send(HttpRequest.newBuilder(healthz).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(200);
  }
}
