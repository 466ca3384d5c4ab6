package dev.tapwire.proxy.server;

import dev.tapwire.proxy.ca.PemFiles;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The client-side TLS context for upstream connections. It always verifies the certificate chain
 * (JDK trust store plus an optional extra PEM bundle) and the host name ({@code
 * endpointIdentificationAlgorithm=HTTPS}, RFC 9110 §4.3.4); it offers TLS 1.3/1.2 and ALPN {@code
 * http/1.1} only. There is no way to turn verification off.
 */
public final class UpstreamTls {
  private UpstreamTls() {}

  /**
   * @param extraCaBundle PEM file of extra trusted CA certificates, or null
   * @param provider the TLS implementation
   * @throws IOException if the bundle cannot be read or holds no certificate
   */
  public static SslContext clientContext(Path extraCaBundle, SslProvider provider)
      throws IOException {
    try {
      TrustManagerFactory jdk =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      jdk.init((KeyStore) null);
      List<X509Certificate> anchors = new ArrayList<>();
      for (TrustManager tm : jdk.getTrustManagers()) {
        if (tm instanceof X509TrustManager x509) {
          anchors.addAll(List.of(x509.getAcceptedIssuers()));
        }
      }
      if (extraCaBundle != null) {
        List<X509Certificate> extra = PemFiles.readCertificates(extraCaBundle);
        if (extra.isEmpty()) {
          throw new IOException("no certificate in upstream CA bundle " + extraCaBundle);
        }
        anchors.addAll(extra);
      }
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      for (int i = 0; i < anchors.size(); i++) {
        trust.setCertificateEntry("anchor-" + i, anchors.get(i));
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      return SslContextBuilder.forClient()
          .sslProvider(provider)
          .trustManager(tmf)
          .endpointIdentificationAlgorithm("HTTPS")
          .protocols("TLSv1.3", "TLSv1.2")
          .applicationProtocolConfig(
              new ApplicationProtocolConfig(
                  ApplicationProtocolConfig.Protocol.ALPN,
                  ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                  ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                  ApplicationProtocolNames.HTTP_1_1))
          .build();
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot build the upstream trust store", e);
    }
  }
}
