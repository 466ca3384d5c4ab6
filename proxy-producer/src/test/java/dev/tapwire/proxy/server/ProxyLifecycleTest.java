package dev.tapwire.proxy.server;

import static dev.tapwire.proxy.FlowAssertions.assertCompleteFlow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tapwire.avro.FlowEnd;
import dev.tapwire.avro.FlowEvent;
import dev.tapwire.avro.SseChunk;
import dev.tapwire.avro.Termination;
import dev.tapwire.proxy.ProxyConfig;
import dev.tapwire.proxy.ProxyHarness;
import dev.tapwire.proxy.RawClient;
import dev.tapwire.testkit.upstream.FakeAnthropicUpstream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.config.ConfigException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Shutdown, SSE capture batching, WebSocket upgrades, idle timeout and configuration checks. */
class ProxyLifecycleTest {

  @Test
  void shouldLetInFlightStreamFinishWhenClosedWithinGracePeriod() throws Exception {
    try (FakeAnthropicUpstream upstream = FakeAnthropicUpstream.https()) {
      ProxyHarness harness =
          new ProxyHarness(upstream, Map.of(ProxyConfig.SHUTDOWN_GRACE_MS, 10_000L));
      CompletableFuture<HttpResponse<String>> response =
          harness
              .httpClient()
              .sendAsync(
                  HttpRequest.newBuilder(upstream.baseUri().resolve("/v1/messages?drain"))
                      .header(FakeAnthropicUpstream.HOLD, "true")
                      .POST(HttpRequest.BodyPublishers.ofString("{\"stream\":true}"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      Awaitility.await().until(() -> upstream.heldStreams() == 1);
      CompletableFuture<Void> closing = CompletableFuture.runAsync(harness::close);
      Thread.sleep(300);
      assertThat(closing).isNotDone(); // waiting for the in-flight flow
      assertThatThrownBy(() -> new RawClient(harness.proxy.port()).close())
          .isInstanceOf(java.net.ConnectException.class);
      upstream.releaseHeldStreams();
      assertThat(response.get(10, TimeUnit.SECONDS).body())
          .endsWith("data: {\"type\":\"message_stop\"}\n\n");
      closing.get(10, TimeUnit.SECONDS);
      List<FlowEvent> flow = harness.sink.awaitEndedFlow("/v1/messages?drain");
      assertThat(assertCompleteFlow(flow).end().getTermination()).isEqualTo(Termination.COMPLETE);
    }
  }

  @Test
  void shouldBatchFastSseFramesAndFlushSlowOnesAfterTheLinger() throws Exception {
    try (FakeAnthropicUpstream upstream = FakeAnthropicUpstream.https();
        ProxyHarness harness = new ProxyHarness(upstream)) {
      var client = harness.httpClient();
      client.send(
          HttpRequest.newBuilder(upstream.baseUri().resolve("/v1/messages?fast"))
              .header(FakeAnthropicUpstream.EVENTS, "300")
              .POST(HttpRequest.BodyPublishers.ofString("{\"stream\":true}"))
              .build(),
          HttpResponse.BodyHandlers.ofString());
      List<SseChunk> fast = chunks(harness.sink.awaitEndedFlow("/v1/messages?fast"));
      int fastFrames = fast.stream().mapToInt(c -> c.getFrames().size()).sum();
      assertThat(fastFrames).isEqualTo(306);
      assertThat(fast.size()).isLessThan(fastFrames / 5);

      client.send(
          HttpRequest.newBuilder(upstream.baseUri().resolve("/v1/messages?slow"))
              .header(FakeAnthropicUpstream.EVENTS, "3")
              .header(FakeAnthropicUpstream.DELAY_MS, "80")
              .POST(HttpRequest.BodyPublishers.ofString("{\"stream\":true}"))
              .build(),
          HttpResponse.BodyHandlers.ofString());
      List<FlowEvent> slowFlow = harness.sink.awaitEndedFlow("/v1/messages?slow");
      List<SseChunk> slow = chunks(slowFlow);
      // frames 80 ms apart: the 20 ms linger publishes (nearly) each on its own
      assertThat(slow.size()).isGreaterThanOrEqualTo(7);
      for (SseChunk chunk : slow) {
        FlowEvent event =
            slowFlow.stream().filter(e -> e.getPayload() == chunk).findFirst().orElseThrow();
        var lastFrame = chunk.getFrames().get(chunk.getFrames().size() - 1);
        assertThat(event.getEventTime()).isAfterOrEqualTo(lastFrame.getArrivalTime());
      }
    }
  }

  @Test
  void shouldRelayWebSocketBytesBothWaysAfter101() throws Exception {
    try (ServerSocket ws = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        ProxyHarness harness = new ProxyHarness(null)) {
      CompletableFuture<String> server =
          CompletableFuture.supplyAsync(
              () -> {
                try (Socket s = ws.accept()) {
                  InputStream in = s.getInputStream();
                  StringBuilder head = new StringBuilder();
                  while (!head.toString().endsWith("\r\n\r\n")) {
                    head.append((char) in.read());
                  }
                  OutputStream out = s.getOutputStream();
                  out.write(
                      ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                              + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n")
                          .getBytes(StandardCharsets.ISO_8859_1));
                  out.flush();
                  byte[] frame = in.readNBytes(5);
                  out.write(
                      ("echo:" + new String(frame, StandardCharsets.ISO_8859_1))
                          .getBytes(StandardCharsets.ISO_8859_1));
                  out.flush();
                  return head.toString();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      try (RawClient raw = new RawClient(harness.proxy.port())) {
        raw.send(
            "GET http://127.0.0.1:"
                + ws.getLocalPort()
                + "/ws HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n");
        assertThat(raw.readHead()).startsWith("HTTP/1.1 101");
        raw.send("\u0081\u0003abc"); // 5 raw bytes, not HTTP
        byte[] echo = raw.socket.getInputStream().readNBytes(10);
        assertThat(new String(echo, StandardCharsets.ISO_8859_1)).isEqualTo("echo:\u0081\u0003abc");
      }
      assertThat(server.get(5, TimeUnit.SECONDS)).contains("Upgrade: websocket");
      FlowEnd end = (FlowEnd) last(harness.sink.awaitEndedFlow("/ws"));
      assertThat(end.getTermination()).isEqualTo(Termination.COMPLETE);
      assertThat(end.getDetail()).contains("switched protocols");
    }
  }

  @Test
  void shouldCloseIdleExchangeWith504AndTimeoutFlow() throws Exception {
    try (FakeAnthropicUpstream upstream = FakeAnthropicUpstream.http();
        ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        ProxyHarness harness =
            new ProxyHarness(upstream, Map.of(ProxyConfig.IDLE_TIMEOUT_MS, 300L))) {
      CompletableFuture.runAsync(
          () -> {
            try (Socket s = silent.accept()) {
              s.getInputStream().readNBytes(1 << 20); // reads, never answers
            } catch (Exception e) {
              // the proxy closed the connection
            }
          });
      try (RawClient raw = new RawClient(harness.proxy.port())) {
        String response =
            new String(
                raw.send(
                        "GET http://127.0.0.1:"
                            + silent.getLocalPort()
                            + "/silent HTTP/1.1\r\nHost: x\r\n\r\n")
                    .readAll(),
                StandardCharsets.ISO_8859_1);
        assertThat(response).startsWith("HTTP/1.1 504");
        assertThat(response).contains("proxy.idle.timeout.ms");
      }
      FlowEnd end = (FlowEnd) last(harness.sink.awaitEndedFlow("/silent"));
      assertThat(end.getTermination()).isEqualTo(Termination.TIMEOUT);
    }
  }

  @Test
  void shouldRelay100ContinueBeforeTheClientSendsTheBody() throws Exception {
    try (FakeAnthropicUpstream upstream = FakeAnthropicUpstream.http();
        ProxyHarness harness = new ProxyHarness(upstream);
        RawClient raw = new RawClient(harness.proxy.port())) {
      raw.send(
          "POST http://localhost:"
              + upstream.port()
              + "/upload?expect HTTP/1.1\r\nHost: localhost\r\nExpect: 100-continue\r\n"
              + "Content-Length: 5\r\nConnection: close\r\n\r\n");
      // the body has not been sent: only the upstream's interim answer can arrive here
      assertThat(raw.readHead()).startsWith("HTTP/1.1 100");
      raw.send("hello");
      String response = new String(raw.readAll(), StandardCharsets.ISO_8859_1);
      assertThat(response).startsWith("HTTP/1.1 200").contains("\"bytes\":5");
      assertThat(assertCompleteFlow(harness.sink.awaitEndedFlow("/upload?expect")).request())
          .isEqualTo("hello".getBytes(StandardCharsets.US_ASCII));
    }
  }

  @Test
  void shouldAnswerPipelinedRequestsInOrderAsSeparateFlows() throws Exception {
    try (FakeAnthropicUpstream upstream = FakeAnthropicUpstream.http();
        ProxyHarness harness = new ProxyHarness(upstream);
        RawClient raw = new RawClient(harness.proxy.port())) {
      String base = "http://localhost:" + upstream.port();
      raw.send(
          "GET "
              + base
              + "/bytes?n=100&p=1 HTTP/1.1\r\nHost: localhost\r\n\r\n"
              + "POST "
              + base
              + "/upload?p=2 HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3\r\n\r\nabc"
              + "GET "
              + base
              + "/bytes?n=7&p=3 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
      String all = new String(raw.readAll(), StandardCharsets.ISO_8859_1);
      int first = all.indexOf("HTTP/1.1 200");
      int second = all.indexOf("HTTP/1.1 200", first + 1);
      int third = all.indexOf("HTTP/1.1 200", second + 1);
      assertThat(first).isZero();
      assertThat(second).isPositive();
      assertThat(third).isGreaterThan(second);
      assertThat(all.substring(second, third)).contains("\"bytes\":3");
      assertThat(all.substring(third)).contains("Content-length: 7"); // upstream spelling kept
      for (String p : List.of("/bytes?n=100&p=1", "/upload?p=2", "/bytes?n=7&p=3")) {
        assertCompleteFlow(harness.sink.awaitEndedFlow(p));
      }
    }
  }

  @Test
  void shouldFingerprintConfiguredExtraCredentialHeadersButRelayThemUnchanged() throws Exception {
    try (FakeAnthropicUpstream upstream = FakeAnthropicUpstream.http();
        ProxyHarness harness =
            new ProxyHarness(upstream, Map.of(ProxyConfig.REDACT_HEADERS, "X-Custom-Secret"));
        RawClient raw = new RawClient(harness.proxy.port())) {
      String response =
          new String(
              raw.send(
                      "POST http://localhost:"
                          + upstream.port()
                          + "/v1/messages/count_tokens?redact HTTP/1.1\r\nHost: localhost\r\n"
                          + "x-custom-secret: hunter2-VERY-SECRET\r\nConnection: close\r\n"
                          + "Content-Length: 2\r\n\r\n{}")
                  .readAll(),
              StandardCharsets.ISO_8859_1);
      assertThat(response).startsWith("HTTP/1.1 200");
      var seen =
          upstream.takeRequest("/v1/messages/count_tokens?redact", java.time.Duration.ofSeconds(5));
      assertThat(seen.header("x-custom-secret")).isEqualTo("hunter2-VERY-SECRET");
      List<FlowEvent> flow = harness.sink.awaitEndedFlow("/v1/messages/count_tokens?redact");
      var head = (dev.tapwire.avro.RequestHead) flow.get(0).getPayload();
      assertThat(head.getHeaders())
          .filteredOn(h -> h.getName().equalsIgnoreCase("x-custom-secret"))
          .singleElement()
          .satisfies(h -> assertThat(h.getValue()).matches("fp:other:[0-9a-f]{64}"));
      MitmRelayTestSupport.assertNoSecret(harness, "hunter2-VERY-SECRET");
    }
  }

  @Test
  void shouldRejectInvalidConfigurationWithTheOffendingKey() {
    assertThatThrownBy(() -> new ProxyConfig(Map.of(ProxyConfig.ON_CAPTURE_FAILURE, "drop")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(ProxyConfig.ON_CAPTURE_FAILURE);
    assertThatThrownBy(() -> new ProxyConfig(Map.of(ProxyConfig.PORT, 70000)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(ProxyConfig.PORT);
    assertThatThrownBy(
            () -> new ProxyConfig(Map.of(ProxyConfig.ALLOWED_CONNECT_PORTS, "443,https")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("not a port number");
    assertThatThrownBy(() -> new ProxyConfig(Map.of(ProxyConfig.AUTH_USER, "alice")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(ProxyConfig.AUTH_PASSWORD);
    ProxyConfig defaults = new ProxyConfig(Map.of());
    assertThat(defaults.getString(ProxyConfig.BIND_ADDRESS)).isEqualTo("127.0.0.1");
    assertThat(defaults.getList(ProxyConfig.MITM_HOSTS)).containsExactly("api.anthropic.com");
    assertThat(defaults.allowedConnectPorts()).containsExactly(443);
    assertThat(defaults.getInt(ProxyConfig.REVERSE_PORT)).isEqualTo(-1);
  }

  static List<SseChunk> chunks(List<FlowEvent> flow) {
    return flow.stream()
        .filter(e -> e.getPayload() instanceof SseChunk)
        .map(e -> (SseChunk) e.getPayload())
        .toList();
  }

  static Object last(List<FlowEvent> flow) {
    return flow.get(flow.size() - 1).getPayload();
  }
}
