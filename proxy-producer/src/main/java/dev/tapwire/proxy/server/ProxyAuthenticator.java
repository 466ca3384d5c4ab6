package dev.tapwire.proxy.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * Basic proxy authentication (RFC 9110 §11.7.1 Proxy-Authorization, RFC 7617 Basic). Compares in
 * constant time; never logs the credential.
 */
final class ProxyAuthenticator {
  /** Challenge sent with 407. */
  static final String CHALLENGE = "Basic realm=\"tapwire\", charset=\"UTF-8\"";

  private final byte[] expected;

  /**
   * @param user user name; null or empty disables authentication
   */
  ProxyAuthenticator(String user, String password) {
    this.expected =
        user == null || user.isEmpty()
            ? null
            : ("Basic "
                    + Base64.getEncoder()
                        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)))
                .getBytes(StandardCharsets.US_ASCII);
  }

  boolean required() {
    return expected != null;
  }

  /** Whether the Proxy-Authorization value (possibly null) carries the right credentials. */
  boolean accepts(String proxyAuthorization) {
    if (expected == null) {
      return true;
    }
    if (proxyAuthorization == null) {
      return false;
    }
    return MessageDigest.isEqual(
        expected, proxyAuthorization.trim().getBytes(StandardCharsets.US_ASCII));
  }
}
