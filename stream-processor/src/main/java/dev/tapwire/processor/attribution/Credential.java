package dev.tapwire.processor.attribution;

import dev.tapwire.avro.CredentialKind;
import dev.tapwire.processor.http.Headers;

/**
 * The credential a call was made with, as the proxy left it: credential header values are replaced
 * by {@code fp:<kind>:<hex HMAC-SHA256>} with kind {@code api_key}, {@code bearer}, {@code basic},
 * {@code cookie} or {@code other}. Headers are consulted in the order {@code x-api-key}, {@code
 * authorization}, {@code api-key}, {@code cookie}; the first redacted value wins. Kinds map to
 * {@code API_KEY} (api_key), {@code OAUTH_BEARER} (bearer), {@code OTHER} (basic, cookie, other);
 * no credential header gives {@code NONE}. A credential header that is not redacted is never
 * copied: its kind is OTHER and the fingerprint null.
 *
 * @param fingerprint the lower-case hex fingerprint, or null
 * @param kind the credential kind
 */
public record Credential(String fingerprint, CredentialKind kind) {
  private static final String[] HEADERS = {"x-api-key", "authorization", "api-key", "cookie"};

  /** Finds the credential among the request headers. */
  public static Credential from(Headers requestHeaders) {
    boolean sawUnredacted = false;
    for (String name : HEADERS) {
      String value = requestHeaders.first(name);
      if (value == null) {
        continue;
      }
      String[] parts = value.split(":", 3);
      if (parts.length == 3 && parts[0].equals("fp")) {
        return new Credential(parts[2], kind(parts[1]));
      }
      sawUnredacted = true;
    }
    return new Credential(null, sawUnredacted ? CredentialKind.OTHER : CredentialKind.NONE);
  }

  private static CredentialKind kind(String kind) {
    return switch (kind) {
      case "api_key" -> CredentialKind.API_KEY;
      case "bearer" -> CredentialKind.OAUTH_BEARER;
      default -> CredentialKind.OTHER;
    };
  }
}
