package dev.tapwire.proxy.server;

import java.net.URI;

/**
 * Where a request goes upstream.
 *
 * @param host host name or IP literal (no brackets)
 * @param port TCP port
 * @param tls whether the upstream connection uses TLS (always verified)
 */
public record Target(String host, int port, boolean tls) {

  /** The target of a base URL such as {@code https://api.anthropic.com}. */
  public static Target of(URI base) {
    boolean tls = "https".equalsIgnoreCase(base.getScheme());
    int port = base.getPort() > 0 ? base.getPort() : (tls ? 443 : 80);
    return new Target(stripBrackets(base.getHost()), port, tls);
  }

  /**
   * Parses CONNECT's authority-form {@code host:port} (RFC 9110 §9.3.6), IPv6 in brackets.
   *
   * @throws IllegalArgumentException if it is not host:port
   */
  public static Target ofAuthority(String authority, boolean tls) {
    int colon = authority.lastIndexOf(':');
    if (colon <= 0 || colon == authority.length() - 1) {
      throw new IllegalArgumentException(
          "CONNECT target must be host:port, got '" + authority + "'");
    }
    String host = stripBrackets(authority.substring(0, colon));
    int port;
    try {
      port = Integer.parseInt(authority.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad port in CONNECT target '" + authority + "'", e);
    }
    if (port < 1 || port > 65535 || host.isEmpty()) {
      throw new IllegalArgumentException("bad CONNECT target '" + authority + "'");
    }
    return new Target(host, port, tls);
  }

  /** {@code host:port}, IPv6 in brackets, for Host headers and messages. */
  public String authority() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  /** Host header value: the port is omitted when it is the scheme's default. */
  public String hostHeader() {
    String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    boolean defaultPort = (tls && port == 443) || (!tls && port == 80);
    return defaultPort ? h : h + ":" + port;
  }

  private static String stripBrackets(String host) {
    if (host != null && host.startsWith("[") && host.endsWith("]")) {
      return host.substring(1, host.length() - 1);
    }
    return host == null ? "" : host;
  }
}
