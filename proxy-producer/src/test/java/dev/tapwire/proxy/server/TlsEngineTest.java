package dev.tapwire.proxy.server;

import static dev.tapwire.proxy.FlowAssertions.assertCompleteFlow;
import static dev.tapwire.proxy.FlowAssertions.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tapwire.avro.FlowEvent;
import dev.tapwire.avro.RequestHead;
import dev.tapwire.avro.Termination;
import dev.tapwire.proxy.FlowAssertions.Bodies;
import dev.tapwire.proxy.ProxyConfig;
import dev.tapwire.proxy.ProxyHarness;
import dev.tapwire.testkit.upstream.FakeAnthropicUpstream;
import dev.tapwire.testkit.upstream.RecordedRequest;
import io.netty.buffer.ByteBuf;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Both TLS engines relay a decrypted streaming call unmodified and capture it; the setting's rules.
 */
class TlsEngineTest {
  static FakeAnthropicUpstream upstream;

  @BeforeAll
  static void start() throws Exception {
    upstream = FakeAnthropicUpstream.https();
  }

  @AfterAll
  static void stop() {
    upstream.close();
  }

  @Test
  void shouldChooseTheBundledOpenSslOnThisPlatformByDefault() {
    // linux-x86_64 (CI and the development machines): the BoringSSL native library is bundled
    assertThat(TlsEngine.choose("auto")).isEqualTo(TlsEngine.OPENSSL);
    assertThat(TlsEngine.choose(" JDK ")).isEqualTo(TlsEngine.JDK);
    ByteBuf direct = TlsEngine.OPENSSL.allocator().buffer(1);
    ByteBuf heap = TlsEngine.JDK.allocator().buffer(1);
    try {
      assertThat(direct.isDirect()).as("OpenSSL reads and writes native memory").isTrue();
      assertThat(heap.isDirect()).as("the JDK engine's AES-GCM intrinsics want arrays").isFalse();
    } finally {
      direct.release();
      heap.release();
    }
  }

  @Test
  void shouldRejectAnUnknownEngineNamingTheSetting() {
    assertThatThrownBy(() -> new ProxyConfig(Map.of(ProxyConfig.TLS_ENGINE, "boringssl")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("proxy.tls.engine")
        .hasMessageContaining("boringssl");
    assertThatThrownBy(() -> TlsEngine.choose("boringssl"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("auto, openssl or jdk");
  }

  @ParameterizedTest
  @EnumSource(TlsEngine.class)
  void shouldRelayAndCaptureADecryptedStreamingCallWithEither(TlsEngine engine) throws Exception {
    try (ProxyHarness harness =
        new ProxyHarness(upstream, Map.of(ProxyConfig.TLS_ENGINE, engine.name().toLowerCase()))) {
      assertThat(harness.proxy.tlsEngine()).isEqualTo(engine);
      byte[] body = new byte[300 * 1024]; // several TLS records and two body parts
      Arrays.fill(body, (byte) 'a');
      String path = "/v1/messages?engine=" + engine;
      HttpResponse<byte[]> response =
          harness
              .httpClient()
              .send(
                  HttpRequest.newBuilder(upstream.baseUri().resolve(path))
                      .header("content-type", "application/json")
                      .header(FakeAnthropicUpstream.EVENTS, "50")
                      .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                      .build(),
                  HttpResponse.BodyHandlers.ofByteArray());

      assertThat(response.statusCode()).isEqualTo(200);
      RecordedRequest seen = upstream.takeRequest(path, Duration.ofSeconds(5));
      assertThat(seen.bodySha256()).isEqualTo(sha256(body));
      assertThat(sha256(response.body())).isEqualTo(seen.responseSha256());
      List<FlowEvent> flow = harness.sink.awaitEndedFlow(path);
      Bodies bodies = assertCompleteFlow(flow);
      assertThat(bodies.request()).isEqualTo(body);
      assertThat(bodies.response()).isEqualTo(response.body());
      assertThat(bodies.end().getTermination()).isEqualTo(Termination.COMPLETE);
      RequestHead head = (RequestHead) flow.get(0).getPayload();
      assertThat(head.getTls().getProtocol()).isEqualTo("TLSv1.3");
      assertThat(head.getTls().getCipherSuite()).startsWith("TLS_");
    }
  }
}
