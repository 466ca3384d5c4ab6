package dev.tapwire.proxy.server;

import static dev.tapwire.proxy.FlowAssertions.assertFailedFlow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tapwire.avro.ErrorKind;
import dev.tapwire.avro.FlowEnd;
import dev.tapwire.avro.FlowError;
import dev.tapwire.avro.FlowEvent;
import dev.tapwire.avro.Termination;
import dev.tapwire.proxy.FlowAssertions;
import dev.tapwire.proxy.ProxyConfig;
import dev.tapwire.proxy.ProxyHarness;
import dev.tapwire.proxy.RawClient;
import dev.tapwire.testkit.upstream.FakeAnthropicUpstream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bad input and failures on either side: each gets a clear response or a clean close plus an error
 * flow, and the proxy keeps serving the next request.
 */
class ProxyErrorHandlingTest {
  static FakeAnthropicUpstream upstream;
  static FakeAnthropicUpstream plainUpstream;
  static FakeAnthropicUpstream untrusted;
  static ProxyHarness harness;
  static HttpClient client;

  @BeforeAll
  static void start() throws Exception {
    upstream = FakeAnthropicUpstream.https();
    plainUpstream = FakeAnthropicUpstream.http();
    untrusted = FakeAnthropicUpstream.https();
    harness =
        new ProxyHarness(
            upstream,
            Map.of(
                ProxyConfig.ALLOWED_CONNECT_PORTS,
                "443," + upstream.port() + "," + untrusted.port() + "," + plainUpstream.port(),
                ProxyConfig.MAX_HEADER_BYTES,
                8192));
    client = harness.httpClient();
  }

  @AfterAll
  static void stop() {
    harness.close();
    upstream.close();
    plainUpstream.close();
    untrusted.close();
  }

  @AfterEach
  void proxyStillServes() throws Exception {
    HttpResponse<String> ok =
        client.send(
            HttpRequest.newBuilder(upstream.baseUri().resolve("/v1/messages/count_tokens?after"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"messages\":[]}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(ok.statusCode()).isEqualTo(200);
  }

  @Test
  void shouldAnswer400AndRecordErrorForMalformedRequestLine() throws Exception {
    try (RawClient raw = new RawClient(harness.proxy.port())) {
      String response = new String(raw.send("GET\r\n\r\n").readAll(), StandardCharsets.ISO_8859_1);
      assertThat(response).startsWith("HTTP/1.1 400");
    }
    FlowError error = harness.sink.awaitError(ErrorKind.MALFORMED_REQUEST);
    assertThat(error.getStatusSent()).isEqualTo(400);
  }

  @Test
  void shouldAnswer400ForMalformedHeaderLine() throws Exception {
    try (RawClient raw = new RawClient(harness.proxy.port())) {
      String response =
          new String(
              raw.send(
                      "GET http://localhost:"
                          + plainUpstream.port()
                          + "/x HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n")
                  .readAll(),
              StandardCharsets.ISO_8859_1);
      assertThat(response).startsWith("HTTP/1.1 400");
      assertThat(response).contains("Tapwire proxy: malformed");
    }
  }

  @Test
  void shouldEndTheFlowAsRejectedWhenTheChunkedRequestBodyIsMalformed() throws Exception {
    try (RawClient raw = new RawClient(harness.proxy.port())) {
      String response =
          new String(
              raw.send(
                      "POST http://localhost:"
                          + plainUpstream.port()
                          + "/upload?badchunk HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                          + "5\r\nhello\r\nZZZ\r\n")
                  .readAll(),
              StandardCharsets.ISO_8859_1);
      assertThat(response).startsWith("HTTP/1.1 400");
      assertThat(response).contains("malformed request body");
    }
    List<FlowEvent> flow = harness.sink.awaitEndedFlow("/upload?badchunk");
    FlowEnd end = (FlowEnd) flow.get(flow.size() - 1).getPayload();
    assertThat(end.getTermination()).isEqualTo(Termination.REJECTED);
    assertThat(end.getRequestBytes()).isEqualTo(5);
    Awaitility.await().until(() -> harness.proxy.activeFlows() == 0);
  }

  @Test
  void shouldAnswer431ForOversizedHeaders() throws Exception {
    String big = "x".repeat(10_000);
    try (RawClient raw = new RawClient(harness.proxy.port())) {
      String response =
          new String(
              raw.send(
                      "GET http://localhost:"
                          + plainUpstream.port()
                          + "/ HTTP/1.1\r\nHost: x\r\nX-Big: "
                          + big
                          + "\r\n\r\n")
                  .readAll(),
              StandardCharsets.ISO_8859_1);
      assertThat(response).startsWith("HTTP/1.1 431");
      assertThat(response).contains("request headers exceed 8192 bytes");
    }
    assertThat(harness.sink.awaitError(ErrorKind.HEADERS_TOO_LARGE).getStatusSent()).isEqualTo(431);
  }

  @Test
  void shouldRefuseConnectToDisallowedPortWith403() throws Exception {
    try (RawClient raw = new RawClient(harness.proxy.port())) {
      String response =
          new String(
              raw.send("CONNECT localhost:25 HTTP/1.1\r\nHost: localhost:25\r\n\r\n").readAll(),
              StandardCharsets.ISO_8859_1);
      assertThat(response).startsWith("HTTP/1.1 403");
      assertThat(response).contains("CONNECT to port 25 is not allowed");
    }
    FlowError error = harness.sink.awaitError(ErrorKind.PORT_NOT_ALLOWED);
    assertThat(error.getTarget()).isEqualTo("localhost:25");
  }

  @Test
  void shouldAnswer502WithExplanationWhenUpstreamCertificateIsUntrusted() throws Exception {
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(untrusted.baseUri().resolve("/v1/messages?untrusted"))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(response.body())
        .contains("TLS handshake with upstream localhost:" + untrusted.port() + " failed");
    assertThat(response.body()).contains("proxy.upstream.ca");
    assertFailedFlow(
        harness.sink.awaitEndedFlow("/v1/messages?untrusted"),
        ErrorKind.UPSTREAM_TLS_FAILURE,
        Termination.UPSTREAM_TLS_FAILURE);
    assertThat(untrusted.drainRequests()).isEmpty();
  }

  @Test
  void shouldEndFlowAsUpstreamResetAndTruncateClientWhenUpstreamDropsMidStream() throws Exception {
    assertThatThrownBy(
            () ->
                client.send(
                    HttpRequest.newBuilder(upstream.baseUri().resolve("/v1/messages?reset"))
                        .header(FakeAnthropicUpstream.FAILURE, "reset")
                        .header(FakeAnthropicUpstream.EVENTS, "20")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"stream\":true}"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(IOException.class);
    List<FlowEvent> flow = harness.sink.awaitEndedFlow("/v1/messages?reset");
    FlowEnd end = (FlowEnd) flow.get(flow.size() - 1).getPayload();
    assertThat(end.getTermination()).isEqualTo(Termination.UPSTREAM_RESET);
    assertThat(end.getResponseBytes()).isPositive();
  }

  @Test
  void shouldEndFlowAsClientAbortedWhenClientGoesAwayMidStream() throws Exception {
    HttpResponse<InputStream> response =
        client.send(
            HttpRequest.newBuilder(upstream.baseUri().resolve("/v1/messages?abort"))
                .header(FakeAnthropicUpstream.HOLD, "true")
                .header(FakeAnthropicUpstream.EVENTS, "200")
                .header(FakeAnthropicUpstream.DELAY_MS, "5")
                .POST(HttpRequest.BodyPublishers.ofString("{\"stream\":true}"))
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    InputStream body = response.body();
    assertThat(body.read()).isNotEqualTo(-1);
    body.close(); // the JDK client closes the connection of an unfinished body
    upstream.releaseHeldStreams();
    List<FlowEvent> flow = harness.sink.awaitEndedFlow("/v1/messages?abort");
    FlowEnd end = (FlowEnd) flow.get(flow.size() - 1).getPayload();
    assertThat(end.getTermination()).isEqualTo(Termination.CLIENT_ABORTED);
  }

  @Test
  void shouldStopReadingUpstreamWhileClientDoesNotRead() throws Exception {
    long total = 400L * 1024 * 1024;
    try (RawClient raw = new RawClient(harness.proxy.port())) {
      raw.socket.setReceiveBufferSize(64 * 1024);
      raw.send(
          "GET http://localhost:"
              + plainUpstream.port()
              + "/bytes?n="
              + total
              + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
      String head = raw.readHead();
      assertThat(head).startsWith("HTTP/1.1 200");
      Thread.sleep(1500);
      double first =
          harness
              .meters
              .find("tapwire.proxy.bytes")
              .tag("direction", "upstream_to_client")
              .counter()
              .count();
      Thread.sleep(1000);
      double second =
          harness
              .meters
              .find("tapwire.proxy.bytes")
              .tag("direction", "upstream_to_client")
              .counter()
              .count();
      // socket buffers on loopback hold a few MB at most; the proxy must not read on
      assertThat(second).isLessThan(32.0 * 1024 * 1024);
      assertThat(second - first).isLessThan(1024.0 * 1024);
    }
    List<FlowEvent> flow = harness.sink.awaitEndedFlow("/bytes?n=" + total);
    FlowEnd end = (FlowEnd) flow.get(flow.size() - 1).getPayload();
    assertThat(end.getTermination()).isEqualTo(Termination.CLIENT_ABORTED);
    assertThat(end.getResponseBytes()).isLessThan(total);
  }

  @Test
  void shouldRelayBlindTunnelUndecryptedAndRecordOnlyATunnelEventWithByteCounts() throws Exception {
    String request = "GET /bytes?n=12345 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    byte[] response;
    try (RawClient raw = new RawClient(harness.proxy.port())) {
      raw.send(
          "CONNECT 127.0.0.1:" + plainUpstream.port() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      assertThat(raw.readHead()).isEqualTo("HTTP/1.1 200 Connection Established\r\n\r\n");
      raw.send(request);
      response = raw.readAll();
    }
    assertThat(new String(response, StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 200");
    var tunnel = harness.sink.awaitTunnel(plainUpstream.port());
    assertThat(tunnel.getHost()).isEqualTo("127.0.0.1");
    assertThat(tunnel.getBytesClientToUpstream()).isEqualTo(request.length());
    assertThat(tunnel.getBytesUpstreamToClient()).isEqualTo(response.length);
    assertThat(tunnel.getTermination()).isEqualTo(Termination.COMPLETE);
    assertThat(harness.sink.flows().values())
        .noneMatch(
            f ->
                f.get(0).getPayload() instanceof dev.tapwire.avro.RequestHead h
                    && h.getPath().startsWith("/bytes?n=12345"));
  }

  @Test
  void shouldRelayPlainAbsoluteFormRequestAndCaptureItAsPlainForward() throws Exception {
    HttpClient plain =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .proxy(
                java.net.ProxySelector.of(
                    new java.net.InetSocketAddress("127.0.0.1", harness.proxy.port())))
            .build();
    HttpResponse<byte[]> response =
        plain.send(
            HttpRequest.newBuilder(plainUpstream.baseUri().resolve("/echo?plain"))
                .header("x-api-key", "sk-plain-SECRET")
                .POST(HttpRequest.BodyPublishers.ofString("echo me please"))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo("echo me please");
    List<FlowEvent> flow = harness.sink.awaitEndedFlow("/echo?plain");
    FlowAssertions.assertCompleteFlow(flow);
    var head = (dev.tapwire.avro.RequestHead) flow.get(0).getPayload();
    assertThat(head.getMode()).isEqualTo(dev.tapwire.avro.CaptureMode.PLAIN_FORWARD);
    assertThat(head.getScheme()).isEqualTo("http");
    for (byte[] event : harness.sink.serializedEvents()) {
      assertThat(MitmRelayTest.indexOf(event, "sk-plain-SECRET".getBytes(StandardCharsets.UTF_8)))
          .isEqualTo(-1);
    }
  }

  @Test
  void shouldRefuseNewRequestsWith503InBlockModeWhileSinkIsUnhealthy() throws Exception {
    try (ProxyHarness strict =
        new ProxyHarness(upstream, Map.of(ProxyConfig.ON_CAPTURE_FAILURE, "block"))) {
      strict.sink.setHealthy(false);
      try (RawClient raw = new RawClient(strict.proxy.port())) {
        String response =
            new String(
                raw.send("CONNECT localhost:" + upstream.port() + " HTTP/1.1\r\nHost: x\r\n\r\n")
                    .readAll(),
                StandardCharsets.ISO_8859_1);
        assertThat(response).startsWith("HTTP/1.1 503");
        assertThat(response).contains("proxy.on.capture.failure=block");
      }
      assertThat(strict.sink.awaitError(ErrorKind.CAPTURE_UNAVAILABLE).getStatusSent())
          .isEqualTo(503);
      strict.sink.setHealthy(true);
      HttpResponse<String> ok =
          strict
              .httpClient()
              .send(
                  HttpRequest.newBuilder(upstream.baseUri().resolve("/v1/messages?unblocked"))
                      .POST(HttpRequest.BodyPublishers.ofString("{}"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(ok.statusCode()).isEqualTo(200);
    }
  }

  @Test
  void shouldKeepForwardingWhenSinkFailsInForwardMode() throws Exception {
    harness.sink.setFailing(true);
    try {
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(upstream.baseUri().resolve("/v1/messages?sinkdown"))
                  .POST(HttpRequest.BodyPublishers.ofString("{}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).contains("\"type\":\"message\"");
    } finally {
      harness.sink.setFailing(false);
    }
    Awaitility.await()
        .untilAsserted(
            () ->
                assertThat(harness.meters.counter("tapwire.proxy.capture.failures").count())
                    .isPositive());
  }

  @Test
  void shouldRequireBasicProxyAuthenticationWhenConfigured() throws Exception {
    try (ProxyHarness authed =
        new ProxyHarness(
            plainUpstream,
            Map.of(ProxyConfig.AUTH_USER, "alice", ProxyConfig.AUTH_PASSWORD, "s3cret-pw"))) {
      String target = "http://localhost:" + plainUpstream.port() + "/v1/messages/count_tokens";
      try (RawClient raw = new RawClient(authed.proxy.port())) {
        String response =
            new String(
                raw.send(
                        "POST "
                            + target
                            + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n\r\n{}")
                    .readAll(),
                StandardCharsets.ISO_8859_1);
        assertThat(response).startsWith("HTTP/1.1 407");
        assertThat(response).containsIgnoringCase("Proxy-Authenticate: Basic realm=\"tapwire\"");
      }
      String credentials =
          java.util.Base64.getEncoder()
              .encodeToString("alice:s3cret-pw".getBytes(StandardCharsets.UTF_8));
      try (RawClient raw = new RawClient(authed.proxy.port())) {
        String response =
            new String(
                raw.send(
                        "POST "
                            + target
                            + " HTTP/1.1\r\nHost: localhost\r\nProxy-Authorization: Basic "
                            + credentials
                            + "\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}")
                    .readAll(),
                StandardCharsets.ISO_8859_1);
        assertThat(response).startsWith("HTTP/1.1 200");
      }
      var seen = plainUpstream.takeRequest("/v1/messages/count_tokens", Duration.ofSeconds(5));
      assertThat(seen.header("proxy-authorization")).isNull();
      assertThat(authed.sink.awaitError(ErrorKind.PROXY_AUTH_REQUIRED).getStatusSent())
          .isEqualTo(407);
    }
  }

  @Test
  void shouldAnswer503BeyondMaximumConcurrentConnections() throws Exception {
    try (ProxyHarness limited = new ProxyHarness(upstream, Map.of(ProxyConfig.MAX_CONNECTIONS, 1));
        RawClient first = new RawClient(limited.proxy.port())) {
      Awaitility.await()
          .until(
              () -> limited.meters.get("tapwire.proxy.connections.active").gauge().value() == 1.0);
      try (RawClient second = new RawClient(limited.proxy.port())) {
        String response = new String(second.readAll(), StandardCharsets.ISO_8859_1);
        assertThat(response).startsWith("HTTP/1.1 503");
        assertThat(response).contains("too many concurrent connections (limit 1)");
      }
      assertThat(limited.sink.awaitError(ErrorKind.TOO_MANY_CONNECTIONS).getStatusSent())
          .isEqualTo(503);
    }
  }
}
