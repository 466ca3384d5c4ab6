package dev.tapwire.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The shell lines that route a client through the proxy and make it trust the Tapwire CA: {@code
 * HTTPS_PROXY} (Claude Code, Node, Python, curl honour it), {@code NODE_EXTRA_CA_CERTS} (Node adds
 * it to its built-in roots; it must be in the environment before the process starts), and for
 * OpenSSL-based clients, which replace rather than extend their roots with {@code SSL_CERT_FILE} /
 * {@code REQUESTS_CA_BUNDLE} / {@code CURL_CA_BUNDLE}, a bundle of the system roots plus the
 * Tapwire CA.
 */
final class ClientEnvironment {
  /** Where common distributions keep the system CA bundle. */
  static final List<Path> SYSTEM_BUNDLES =
      List.of(
          Path.of("/etc/ssl/certs/ca-certificates.crt"),
          Path.of("/etc/pki/tls/certs/ca-bundle.crt"),
          Path.of("/etc/ssl/cert.pem"));

  private ClientEnvironment() {}

  /**
   * The {@code export} lines for a proxy at {@code proxyHost:proxyPort} and the CA of {@code
   * dataDir}; writes the combined bundle when the CA and a system bundle exist.
   */
  static List<String> lines(DataDir dataDir, String proxyHost, int proxyPort) {
    String host = proxyHost.contains(":") ? "[" + proxyHost + "]" : proxyHost;
    String proxyUrl = "http://" + host + ":" + proxyPort;
    List<String> lines = new ArrayList<>();
    lines.add("export HTTPS_PROXY=" + proxyUrl);
    lines.add("export NO_PROXY=localhost,127.0.0.1,::1");
    lines.add("export NODE_EXTRA_CA_CERTS=" + shellQuote(dataDir.caCertificate().toString()));
    Optional<Path> bundle = writeBundle(dataDir);
    if (bundle.isPresent()) {
      String quoted = shellQuote(bundle.get().toString());
      lines.add(
          "# OpenSSL-based clients (Python requests/httpx, curl) replace their roots; this bundle");
      lines.add("# holds the system roots plus the Tapwire CA:");
      lines.add("export SSL_CERT_FILE=" + quoted);
      lines.add("export REQUESTS_CA_BUNDLE=" + quoted);
      lines.add("export CURL_CA_BUNDLE=" + quoted);
    } else {
      lines.add(
          "# For Python requests/httpx or curl: point SSL_CERT_FILE / REQUESTS_CA_BUNDLE /"
              + " CURL_CA_BUNDLE at a bundle of your system roots plus "
              + dataDir.caCertificate());
    }
    return lines;
  }

  /** Writes {@link DataDir#caBundle()} = first system bundle found + the Tapwire CA. */
  static Optional<Path> writeBundle(DataDir dataDir) {
    Path ca = dataDir.caCertificate();
    Optional<Path> system = SYSTEM_BUNDLES.stream().filter(Files::isReadable).findFirst();
    if (!Files.isReadable(ca) || system.isEmpty()) {
      return Optional.empty();
    }
    Path bundle = dataDir.caBundle();
    Path tmp = bundle.resolveSibling(bundle.getFileName() + ".tmp");
    try {
      byte[] roots = Files.readAllBytes(system.get());
      byte[] tapwire = Files.readAllBytes(ca);
      byte[] joined = new byte[roots.length + 1 + tapwire.length];
      System.arraycopy(roots, 0, joined, 0, roots.length);
      joined[roots.length] = '\n';
      System.arraycopy(tapwire, 0, joined, roots.length + 1, tapwire.length);
      Files.write(tmp, joined);
      Files.move(tmp, bundle, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return Optional.of(bundle);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write CA bundle " + bundle, e);
    }
  }

  static String shellQuote(String value) {
    if (value.matches("[A-Za-z0-9_./:@,+=-]+")) {
      return value;
    }
    return "'" + value.replace("'", "'\\''") + "'";
  }
}
