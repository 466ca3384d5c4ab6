package dev.tapwire.proxy;

import dev.tapwire.testkit.upstream.FakeAnthropicUpstream;
import dev.tapwire.testkit.upstream.TestCertificateAuthority;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * A started {@link ProxyService} in a temporary data dir, decrypting {@code localhost}, allowed to
 * CONNECT to the fake upstream's port, trusting the fake upstream's test CA, capturing into a
 * {@link RecordingSink}.
 */
public final class ProxyHarness implements AutoCloseable {
  public final RecordingSink sink = new RecordingSink();
  public final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  public final ProxyService proxy;
  public final Path dataDir;

  public ProxyHarness(FakeAnthropicUpstream upstream, Map<String, Object> overrides)
      throws IOException {
    dataDir = Files.createTempDirectory("tapwire-proxy-test");
    Map<String, Object> props = new HashMap<>();
    props.put(ProxyConfig.PORT, 0);
    props.put(ProxyConfig.DATA_DIR, dataDir.toString());
    props.put(ProxyConfig.MITM_HOSTS, "localhost");
    props.put(ProxyConfig.PROXY_ID, "test-proxy");
    props.put(ProxyConfig.SHUTDOWN_GRACE_MS, 200L);
    if (upstream != null) {
      props.put(ProxyConfig.ALLOWED_CONNECT_PORTS, "443," + upstream.port());
      if (upstream.baseUri().getScheme().equals("https")) {
        props.put(
            ProxyConfig.UPSTREAM_CA,
            upstream.writeCaPem(dataDir.resolve("upstream-ca.pem")).toString());
      }
    }
    props.putAll(overrides);
    proxy = new ProxyService(new ProxyConfig(props), sink, meters).start();
  }

  public ProxyHarness(FakeAnthropicUpstream upstream) throws IOException {
    this(upstream, Map.of());
  }

  /** An HTTP/1.1 JDK client using the proxy and trusting the Tapwire CA only. */
  public HttpClient httpClient() {
    SSLContext ssl =
        TestCertificateAuthority.clientSslContextTrusting(
            proxy.certificateAuthority().certificate());
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", proxy.port())))
        .sslContext(ssl)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  public double errors(String kind) {
    var counter = meters.find("tapwire.proxy.errors").tag("kind", kind).counter();
    return counter == null ? 0 : counter.count();
  }

  @Override
  public void close() {
    proxy.close();
  }
}
