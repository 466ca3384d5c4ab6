package dev.tapwire.proxy.server;

import static dev.tapwire.proxy.FlowAssertions.assertCompleteFlow;
import static dev.tapwire.proxy.FlowAssertions.sha256;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.avro.CaptureMode;
import dev.tapwire.avro.FlowEnd;
import dev.tapwire.avro.FlowEvent;
import dev.tapwire.avro.Header;
import dev.tapwire.avro.RequestHead;
import dev.tapwire.avro.ResponseHead;
import dev.tapwire.avro.SseChunk;
import dev.tapwire.avro.Termination;
import dev.tapwire.proxy.FlowAssertions.Bodies;
import dev.tapwire.proxy.ProxyHarness;
import dev.tapwire.testkit.upstream.FakeAnthropicUpstream;
import dev.tapwire.testkit.upstream.RecordedRequest;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The decrypted path end to end: the JDK HttpClient through the proxy (CONNECT + MITM with the
 * Tapwire CA) to the fake Anthropic upstream over verified TLS, comparing both sides byte for byte
 * and checking the captured flows.
 */
class MitmRelayTest {
  static final String API_KEY = "sk-ant-api03-TEST-SECRET-KEY-0123456789";
  static FakeAnthropicUpstream upstream;
  static ProxyHarness harness;
  static HttpClient client;

  @BeforeAll
  static void start() throws Exception {
    upstream = FakeAnthropicUpstream.https();
    harness = new ProxyHarness(upstream);
    client = harness.httpClient();
  }

  @AfterAll
  static void stop() {
    harness.close();
    upstream.close();
  }

  @Test
  void shouldRelayNonStreamingMessageUnmodifiedAndCaptureRedactedFlow() throws Exception {
    String body =
        "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    HttpResponse<byte[]> response =
        client.send(
            HttpRequest.newBuilder(upstream.baseUri().resolve("/v1/messages?beta=true"))
                .header("x-api-key", API_KEY)
                .header("anthropic-version", "2023-06-01")
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());

    assertThat(response.statusCode()).isEqualTo(200);
    RecordedRequest seen = upstream.takeRequest("/v1/messages?beta=true", Duration.ofSeconds(5));
    assertThat(seen.header("x-api-key")).isEqualTo(API_KEY);
    assertThat(seen.bodySha256()).isEqualTo(sha256(body.getBytes(StandardCharsets.UTF_8)));
    assertThat(sha256(response.body())).isEqualTo(seen.responseSha256());
    assertThat(response.headers().firstValue("request-id")).isPresent();

    List<FlowEvent> flow = harness.sink.awaitEndedFlow("/v1/messages?beta=true");
    Bodies bodies = assertCompleteFlow(flow);
    assertThat(new String(bodies.request(), StandardCharsets.UTF_8)).isEqualTo(body);
    assertThat(bodies.response()).isEqualTo(response.body());
    assertThat(bodies.end().getTermination()).isEqualTo(Termination.COMPLETE);
    RequestHead head = (RequestHead) flow.get(0).getPayload();
    assertThat(head.getMode()).isEqualTo(CaptureMode.MITM);
    assertThat(head.getHost()).isEqualTo("localhost");
    assertThat(head.getPort()).isEqualTo(upstream.port());
    assertThat(head.getScheme()).isEqualTo("https");
    assertThat(head.getTls()).isNotNull();
    assertThat(head.getTls().getProtocol()).startsWith("TLSv1.");
    Header apiKey =
        head.getHeaders().stream()
            .filter(h -> h.getName().equalsIgnoreCase("x-api-key"))
            .findFirst()
            .orElseThrow();
    assertThat(apiKey.getValue()).matches("fp:api_key:[0-9a-f]{64}");
    ResponseHead responseHead =
        (ResponseHead)
            flow.stream()
                .filter(e -> e.getPayload() instanceof ResponseHead)
                .findFirst()
                .orElseThrow()
                .getPayload();
    assertThat(responseHead.getStatus()).isEqualTo(200);
    assertNoSecretCaptured(API_KEY);
  }

  @Test
  void shouldStreamSseFrameByFrameAndCaptureSseChunksReproducingTheBody() throws Exception {
    String body =
        "{\"model\":\"claude-sonnet-4-5\",\"stream\": true,\"max_tokens\":64,\"messages\":[]}";
    HttpResponse<byte[]> response =
        client.send(
            HttpRequest.newBuilder(upstream.baseUri().resolve("/v1/messages?sse=basic"))
                .header("authorization", "Bearer sk-ant-oat01-OAUTH-SECRET-TOKEN")
                .header(FakeAnthropicUpstream.EVENTS, "40")
                .header(FakeAnthropicUpstream.TOOL, "true")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
    RecordedRequest seen = upstream.takeRequest("/v1/messages?sse=basic", Duration.ofSeconds(5));
    assertThat(sha256(response.body())).isEqualTo(seen.responseSha256());

    List<FlowEvent> flow = harness.sink.awaitEndedFlow("/v1/messages?sse=basic");
    Bodies bodies = assertCompleteFlow(flow);
    assertThat(bodies.response()).isEqualTo(response.body());
    List<SseChunk> chunks =
        flow.stream()
            .filter(e -> e.getPayload() instanceof SseChunk)
            .map(e -> (SseChunk) e.getPayload())
            .toList();
    assertThat(chunks).isNotEmpty();
    int frames = chunks.stream().mapToInt(c -> c.getFrames().size()).sum();
    // message_start, block start, ping, 40 deltas, block stop, tool block (4), message_delta, stop
    assertThat(frames).isEqualTo(3 + 40 + 1 + 4 + 2);
    assertThat(chunks.stream().flatMap(c -> c.getFrames().stream())).allMatch(f -> f.getComplete());
    RequestHead head = (RequestHead) flow.get(0).getPayload();
    assertThat(head.getHeaders())
        .anySatisfy(h -> assertThat(h.getValue()).matches("fp:bearer:[0-9a-f]{64}"));
    assertNoSecretCaptured("sk-ant-oat01-OAUTH-SECRET-TOKEN");
  }

  @Test
  void shouldDeliverFirstSseEventWhileUpstreamIsStillStreaming() throws Exception {
    String body = "{\"stream\":true}";
    HttpResponse<InputStream> response =
        client.send(
            HttpRequest.newBuilder(upstream.baseUri().resolve("/v1/messages?sse=held"))
                .header(FakeAnthropicUpstream.HOLD, "true")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      assertThat(reader.readLine()).isEqualTo("event: message_start");
      assertThat(reader.readLine()).startsWith("data: {\"type\":\"message_start\"");
      // the upstream has not finished: it is still holding the stream open
      assertThat(upstream.heldStreams()).isEqualTo(1);
      upstream.releaseHeldStreams();
      String line;
      String last = null;
      while ((line = reader.readLine()) != null) {
        if (!line.isEmpty()) {
          last = line;
        }
      }
      assertThat(last).isEqualTo("data: {\"type\":\"message_stop\"}");
    }
    upstream.takeRequest("/v1/messages?sse=held", Duration.ofSeconds(5));
    assertCompleteFlow(harness.sink.awaitEndedFlow("/v1/messages?sse=held"));
  }

  @Test
  void shouldRelayTwentyMegabyteUploadsWithContentLengthAndChunkedUnchanged() throws Exception {
    byte[] data = new byte[20 * 1024 * 1024 + 7];
    new Random(42).nextBytes(data);
    String expected = sha256(data);

    HttpResponse<String> fixed =
        client.send(
            HttpRequest.newBuilder(upstream.baseUri().resolve("/upload?kind=fixed"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(data))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(fixed.body()).contains(expected);
    HttpResponse<String> chunked =
        client.send(
            HttpRequest.newBuilder(upstream.baseUri().resolve("/upload?kind=chunked"))
                .POST(
                    HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(data)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(chunked.body()).contains(expected);

    Bodies fixedFlow = assertCompleteFlow(harness.sink.awaitEndedFlow("/upload?kind=fixed"));
    assertThat(fixedFlow.end().getRequestSha256()).isEqualTo(expected);
    assertThat(fixedFlow.end().getRequestParts()).isEqualTo(81); // ceil(20 MiB + 7 / 256 KiB)
    Bodies chunkedFlow = assertCompleteFlow(harness.sink.awaitEndedFlow("/upload?kind=chunked"));
    assertThat(chunkedFlow.end().getRequestSha256()).isEqualTo(expected);
  }

  @Test
  void shouldRelayTwentyMegabyteDownloadsWithContentLengthAndChunkedUnchanged() throws Exception {
    for (String chunked : List.of("false", "true")) {
      String path = "/bytes?n=20971520&chunked=" + chunked;
      HttpResponse<byte[]> response =
          client.send(
              HttpRequest.newBuilder(upstream.baseUri().resolve(path)).GET().build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(response.body()).hasSize(20971520);
      RecordedRequest seen = upstream.takeRequest(path, Duration.ofSeconds(5));
      assertThat(sha256(response.body())).isEqualTo(seen.responseSha256());
      FlowEnd end = assertCompleteFlow(harness.sink.awaitEndedFlow(path)).end();
      assertThat(end.getResponseBytes()).isEqualTo(20971520);
      assertThat(end.getResponseSha256()).isEqualTo(seen.responseSha256());
    }
  }

  @Test
  void shouldServeCountTokensAndEchoOnOneKeepAliveConnection() throws Exception {
    HttpClient own = harness.httpClient();
    double before = harness.meters.counter("tapwire.proxy.upstream.connections").count();
    for (int i = 0; i < 5; i++) {
      String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"count me " + i + "\"}]}";
      HttpResponse<String> r =
          own.send(
              HttpRequest.newBuilder(upstream.baseUri().resolve("/v1/messages/count_tokens?i=" + i))
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.body()).startsWith("{\"input_tokens\":");
      List<FlowEvent> flow = harness.sink.awaitEndedFlow("/v1/messages/count_tokens?i=" + i);
      assertCompleteFlow(flow);
    }
    // one client connection, so one upstream connection kept alive for all five flows
    assertThat(harness.meters.counter("tapwire.proxy.upstream.connections").count() - before)
        .isEqualTo(1.0);
  }

  static void assertNoSecretCaptured(String secret) {
    byte[] needle = secret.getBytes(StandardCharsets.UTF_8);
    for (byte[] event : harness.sink.serializedEvents()) {
      assertThat(indexOf(event, needle)).as("secret found in a captured event").isEqualTo(-1);
    }
  }

  static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
