package dev.tapwire.proxy.server;

import static dev.tapwire.proxy.FlowAssertions.assertFailedFlow;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.avro.ErrorKind;
import dev.tapwire.avro.Termination;
import dev.tapwire.proxy.ProxyConfig;
import dev.tapwire.proxy.ProxyHarness;
import dev.tapwire.proxy.ca.CertificateAuthority;
import dev.tapwire.proxy.ca.LeafCertificate;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Upstream TLS checks the host name as well as the chain (RFC 9110 §4.3.4), with either TLS engine:
 * an upstream at 127.0.0.1 whose certificate is trusted but names another host gets a 502 and an
 * UPSTREAM_TLS_FAILURE flow, while the same upstream with a certificate for 127.0.0.1 answers.
 */
class UpstreamHostVerificationTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @EnumSource(TlsEngine.class)
  void shouldRefuseATrustedCertificateForAnotherHost(TlsEngine engine) throws Exception {
    CertificateAuthority upstreamCa =
        CertificateAuthority.loadOrCreate(tmp.resolve("upstream-ca"), Clock.systemUTC());
    try (TlsServer wrongName = new TlsServer(upstreamCa.mintLeaf("other.example"));
        TlsServer rightName = new TlsServer(upstreamCa.mintLeaf("127.0.0.1"));
        ProxyHarness harness =
            new ProxyHarness(
                null,
                Map.of(
                    ProxyConfig.TLS_ENGINE,
                    engine.name().toLowerCase(),
                    ProxyConfig.MITM_HOSTS,
                    "127.0.0.1",
                    ProxyConfig.ALLOWED_CONNECT_PORTS,
                    wrongName.port() + "," + rightName.port(),
                    ProxyConfig.UPSTREAM_CA,
                    upstreamCa.certificatePath().toString()))) {
      HttpResponse<String> refused = get(harness, wrongName.port(), "/v1/models?wrong");
      HttpResponse<String> answered = get(harness, rightName.port(), "/v1/models?right");

      assertThat(refused.statusCode()).isEqualTo(502);
      assertThat(refused.body()).contains("TLS handshake with upstream 127.0.0.1:");
      assertThat(wrongName.requests()).as("no request reached the wrong host").isZero();
      assertFailedFlow(
          harness.sink.awaitEndedFlow("/v1/models?wrong"),
          ErrorKind.UPSTREAM_TLS_FAILURE,
          Termination.UPSTREAM_TLS_FAILURE);

      assertThat(answered.statusCode()).as("control: same CA, right name").isEqualTo(200);
      assertThat(answered.body()).isEqualTo("ok");
      assertThat(rightName.requests()).isEqualTo(1);
    }
  }

  private static HttpResponse<String> get(ProxyHarness harness, int port, String path)
      throws Exception {
    return harness
        .httpClient()
        .send(
            HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString());
  }

  /** A one-response-per-connection HTTPS server on 127.0.0.1 presenting {@code leaf}. */
  static final class TlsServer implements AutoCloseable {
    private final SSLServerSocket socket;
    private final AtomicInteger requests = new AtomicInteger();
    private final Thread thread;

    TlsServer(LeafCertificate leaf) throws Exception {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry(
          "leaf",
          leaf.privateKey(),
          new char[0],
          new Certificate[] {leaf.certificate(), leaf.issuer()});
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, new char[0]);
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(kmf.getKeyManagers(), null, null);
      socket =
          (SSLServerSocket)
              ssl.getServerSocketFactory()
                  .createServerSocket(0, 16, InetAddress.getLoopbackAddress());
      thread = new Thread(this::serve, "tls-server-" + socket.getLocalPort());
      thread.setDaemon(true);
      thread.start();
    }

    private void serve() {
      while (!socket.isClosed()) {
        try (SSLSocket s = (SSLSocket) socket.accept()) {
          InputStream in = s.getInputStream();
          byte[] head = new byte[4096];
          int n = 0;
          while (n < 4
              || !new String(head, 0, n, StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
            int r = in.read(head, n, head.length - n);
            if (r < 0) {
              break;
            }
            n += r;
          }
          if (n == 0) {
            continue;
          }
          requests.incrementAndGet();
          OutputStream out = s.getOutputStream();
          out.write(
              "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                  .getBytes(StandardCharsets.ISO_8859_1));
          out.flush();
        } catch (Exception e) {
          // a failed handshake (the proxy refusing the certificate) or a closed socket
        }
      }
    }

    int port() {
      return socket.getLocalPort();
    }

    int requests() {
      return requests.get();
    }

    @Override
    public void close() throws Exception {
      socket.close();
      thread.join(5000);
    }
  }
}
