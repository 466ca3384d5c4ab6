package dev.tapwire.proxy.server;

import static dev.tapwire.proxy.FlowAssertions.assertCompleteFlow;
import static dev.tapwire.proxy.FlowAssertions.sha256;
import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import dev.tapwire.avro.CaptureMode;
import dev.tapwire.avro.FlowEvent;
import dev.tapwire.avro.RequestHead;
import dev.tapwire.proxy.FlowAssertions.Bodies;
import dev.tapwire.proxy.ProxyConfig;
import dev.tapwire.proxy.ProxyHarness;
import dev.tapwire.testkit.upstream.AnthropicSse;
import dev.tapwire.testkit.upstream.FakeAnthropicUpstream;
import dev.tapwire.testkit.upstream.RecordedRequest;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real clients through the proxy: the official Anthropic Java SDK (OkHttp) via the forward proxy
 * and via reverse mode, and {@code curl} with {@code --proxy --cacert}. Both sides' bodies are
 * compared by SHA-256 and the captured flows must be complete and free of credentials.
 */
class RealClientsTest {
  static final String API_KEY = "sk-ant-api03-SDK-SECRET-abcdef";
  static FakeAnthropicUpstream upstream;
  static ProxyHarness harness;

  @BeforeAll
  static void start() throws Exception {
    upstream = FakeAnthropicUpstream.https();
    harness =
        new ProxyHarness(
            upstream,
            Map.of(
                ProxyConfig.REVERSE_PORT,
                0,
                ProxyConfig.REVERSE_UPSTREAM,
                upstream.baseUri().toString()));
  }

  @AfterAll
  static void stop() {
    harness.close();
    upstream.close();
  }

  static X509TrustManager trustTapwire() throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setCertificateEntry("tapwire", harness.proxy.certificateAuthority().certificate());
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    return (X509TrustManager) tmf.getTrustManagers()[0];
  }

  static AnthropicClient sdkThroughForwardProxy() throws Exception {
    X509TrustManager tm = trustTapwire();
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, new javax.net.ssl.TrustManager[] {tm}, null);
    return AnthropicOkHttpClient.builder()
        .apiKey(API_KEY)
        .baseUrl(upstream.baseUri().toString())
        .proxy(new Proxy(Proxy.Type.HTTP, new InetSocketAddress("127.0.0.1", harness.proxy.port())))
        .sslSocketFactory(ssl.getSocketFactory())
        .trustManager(tm)
        .maxRetries(0)
        .build();
  }

  static AnthropicClient sdkThroughReverseMode() {
    return AnthropicOkHttpClient.builder()
        .apiKey(API_KEY)
        .baseUrl("http://127.0.0.1:" + harness.proxy.reversePort())
        .maxRetries(0)
        .build();
  }

  static MessageCreateParams params(String text) {
    return MessageCreateParams.builder()
        .model("claude-sonnet-4-5")
        .maxTokens(64)
        .addUserMessage(text)
        .build();
  }

  @Test
  void shouldServeAnthropicSdkNonStreamingAndStreamingThroughForwardProxy() throws Exception {
    AnthropicClient sdk = sdkThroughForwardProxy();
    Message message = sdk.messages().create(params("forward non-streaming"));
    assertThat(message.usage().outputTokens()).isEqualTo(AnthropicSse.outputTokens(3));
    assertThat(message.usage().cacheReadInputTokens()).contains((long) AnthropicSse.CACHE_READ);
    assertBothSidesMatch(CaptureMode.MITM);

    long events;
    try (StreamResponse<RawMessageStreamEvent> stream =
        sdk.messages().createStreaming(params("forward streaming"))) {
      events = stream.stream().count();
    }
    // the SDK does not hand out the ping event
    assertThat(events).isEqualTo(AnthropicSse.streamFrames("m", 3, false).size() - 1);
    assertBothSidesMatch(CaptureMode.MITM);
    MitmRelayTestSupport.assertNoSecret(harness, API_KEY);
  }

  @Test
  void shouldServeAnthropicSdkThroughReverseMode() throws Exception {
    AnthropicClient sdk = sdkThroughReverseMode();
    Message message = sdk.messages().create(params("reverse non-streaming"));
    assertThat(message.usage().inputTokens()).isEqualTo(AnthropicSse.INPUT_TOKENS);
    RecordedRequest seen = assertBothSidesMatch(CaptureMode.REVERSE);
    assertThat(seen.header("host")).isEqualTo("localhost:" + upstream.port());

    try (StreamResponse<RawMessageStreamEvent> stream =
        sdk.messages().createStreaming(params("reverse streaming"))) {
      assertThat(stream.stream().count())
          .isEqualTo(AnthropicSse.streamFrames("m", 3, false).size() - 1);
    }
    assertBothSidesMatch(CaptureMode.REVERSE);
    MitmRelayTestSupport.assertNoSecret(harness, API_KEY);
  }

  @Test
  void shouldRelayCurlUploadWithExpectContinueAndDownloadUnchanged() throws Exception {
    Path dir = Files.createTempDirectory("curl");
    Path caFile = dir.resolve("tapwire-ca.pem");
    Files.writeString(caFile, harness.proxy.certificateAuthority().certificatePem());
    Path upload = dir.resolve("upload.bin");
    byte[] data = new byte[3 * 1024 * 1024 + 11];
    new Random(7).nextBytes(data);
    Files.write(upload, data);
    Path out = dir.resolve("out.json");
    Process curl =
        new ProcessBuilder(
                "curl",
                "-sS",
                "--fail",
                "--proxy",
                "http://127.0.0.1:" + harness.proxy.port(),
                "--cacert",
                caFile.toString(),
                "-H",
                "Expect: 100-continue",
                "-H",
                "x-api-key: sk-curl-SECRET-999",
                "--data-binary",
                "@" + upload,
                "-o",
                out.toString(),
                upstream.baseUri() + "/upload?curl=1")
            .redirectErrorStream(true)
            .start();
    String curlOutput = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(curl.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(curl.exitValue()).as(curlOutput).isZero();
    assertThat(Files.readString(out)).contains(sha256(data));
    Bodies bodies = assertCompleteFlow(harness.sink.awaitEndedFlow("/upload?curl=1"));
    assertThat(bodies.end().getRequestSha256()).isEqualTo(sha256(data));

    Path download = dir.resolve("download.bin");
    Process get =
        new ProcessBuilder(
                "curl",
                "-sS",
                "--fail",
                "--proxy",
                "http://127.0.0.1:" + harness.proxy.port(),
                "--cacert",
                caFile.toString(),
                "-o",
                download.toString(),
                upstream.baseUri() + "/bytes?n=5000000&chunked=true&curl=1")
            .redirectErrorStream(true)
            .start();
    String getOutput = new String(get.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(get.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(get.exitValue()).as(getOutput).isZero();
    RecordedRequest seen = upstream.takeRequest("/bytes?n=5000000", Duration.ofSeconds(5));
    assertThat(sha256(Files.readAllBytes(download))).isEqualTo(seen.responseSha256());
    MitmRelayTestSupport.assertNoSecret(harness, "sk-curl-SECRET-999");
  }

  /** Compares the last /v1/messages exchange on both sides and returns the upstream's view. */
  static RecordedRequest assertBothSidesMatch(CaptureMode mode) throws Exception {
    RecordedRequest seen = upstream.takeRequest("/v1/messages", Duration.ofSeconds(5));
    List<FlowEvent> flow =
        harness.sink.awaitFlow(
            f ->
                f.get(0).getPayload() instanceof RequestHead h
                    && h.getMode() == mode
                    && f.get(f.size() - 1).getPayload() instanceof dev.tapwire.avro.FlowEnd end
                    && end.getRequestSha256().equals(seen.bodySha256()));
    Bodies bodies = assertCompleteFlow(flow);
    assertThat(bodies.end().getResponseSha256()).isEqualTo(seen.responseSha256());
    return seen;
  }
}
