package dev.tapwire.proxy.ca;

import java.io.IOException;
import java.nio.file.Files;
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
 * What a user pastes into a shell so clients use the proxy and trust its CA ({@code tapwire env}).
 *
 * <p>Node (Claude Code) adds {@code NODE_EXTRA_CA_CERTS} to its built-in roots, so it gets the
 * Tapwire CA alone. Python ({@code SSL_CERT_FILE}, {@code REQUESTS_CA_BUNDLE}) and curl ({@code
 * CURL_CA_BUNDLE}) <em>replace</em> their roots with the file, so they get a bundle of the JDK's
 * trusted roots plus the Tapwire CA; otherwise blind-tunnelled hosts would stop verifying.
 */
public final class ClientEnvironment {
  /** File name of the combined bundle, next to the CA certificate. */
  public static final String BUNDLE_FILE = "tapwire-trust-bundle.pem";

  private ClientEnvironment() {}

  /**
   * Writes the JDK's trusted root certificates followed by the Tapwire CA as one PEM bundle.
   *
   * @return the bundle path ({@value #BUNDLE_FILE} beside the CA certificate)
   * @throws IOException if the file cannot be written or the JDK trust store cannot be read
   */
  public static Path writeTrustBundle(CertificateAuthority authority) throws IOException {
    Path bundle = authority.certificatePath().resolveSibling(BUNDLE_FILE);
    List<Object> certificates = new ArrayList<>(jdkRoots());
    certificates.add(authority.certificate());
    Files.writeString(bundle, PemFiles.toPem(certificates.toArray()));
    return bundle;
  }

  /**
   * POSIX shell lines exporting the proxy and trust variables.
   *
   * @param proxyUrl for example {@code http://127.0.0.1:8080}
   * @param caPem the Tapwire CA certificate file
   * @param bundle the file from {@link #writeTrustBundle}
   */
  public static List<String> exportLines(String proxyUrl, Path caPem, Path bundle) {
    return List.of(
        "export HTTPS_PROXY=" + quote(proxyUrl),
        "export https_proxy=" + quote(proxyUrl),
        "export NODE_EXTRA_CA_CERTS=" + quote(caPem.toAbsolutePath().toString()),
        "export SSL_CERT_FILE=" + quote(bundle.toAbsolutePath().toString()),
        "export REQUESTS_CA_BUNDLE=" + quote(bundle.toAbsolutePath().toString()),
        "export CURL_CA_BUNDLE=" + quote(bundle.toAbsolutePath().toString()));
  }

  static String quote(String value) {
    return "'" + value.replace("'", "'\\''") + "'";
  }

  private static List<X509Certificate> jdkRoots() throws IOException {
    try {
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init((KeyStore) null);
      List<X509Certificate> roots = new ArrayList<>();
      for (TrustManager tm : tmf.getTrustManagers()) {
        if (tm instanceof X509TrustManager x509) {
          roots.addAll(List.of(x509.getAcceptedIssuers()));
        }
      }
      return roots;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot read the JDK trust store", e);
    }
  }
}
