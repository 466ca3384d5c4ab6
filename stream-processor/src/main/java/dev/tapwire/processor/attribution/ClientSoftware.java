package dev.tapwire.processor.attribution;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Client name and version from a User-Agent (RFC 9110 section 10.1.5: product tokens {@code
 * name/version}). Rules, first match wins:
 *
 * <ol>
 *   <li>SDK style {@code Anthropic/Java 2.0.0} or {@code OpenAI/Python 1.2.3}: name is the vendor
 *       and language joined with a dash, lower-cased ({@code anthropic-java}), version the next
 *       token;
 *   <li>otherwise the first product token: {@code claude-cli/2.1.3 (external, cli)} → {@code
 *       claude-cli}, {@code 2.1.3}; {@code curl/8.5.0} → {@code curl}, {@code 8.5.0};
 *   <li>otherwise (no slash) the name is the first token and the version null.
 * </ol>
 *
 * @param name the client name, or null without a User-Agent
 * @param version the client version, or null
 */
public record ClientSoftware(String name, String version) {
  private static final Pattern SDK =
      Pattern.compile(
          "^(Anthropic|OpenAI)/([A-Za-z]+)\\s+v?([0-9][^\\s]*)", Pattern.CASE_INSENSITIVE);
  private static final Pattern PRODUCT = Pattern.compile("^([^\\s/]+)/([^\\s]+)");

  /** Parses a User-Agent value; null gives a record of nulls. */
  public static ClientSoftware fromUserAgent(String userAgent) {
    if (userAgent == null || userAgent.isBlank()) {
      return new ClientSoftware(null, null);
    }
    String ua = userAgent.trim();
    Matcher sdk = SDK.matcher(ua);
    if (sdk.find()) {
      return new ClientSoftware(
          (sdk.group(1) + "-" + sdk.group(2)).toLowerCase(Locale.ROOT), sdk.group(3));
    }
    Matcher product = PRODUCT.matcher(ua);
    if (product.find()) {
      return new ClientSoftware(product.group(1), product.group(2));
    }
    return new ClientSoftware(ua.split("\\s+")[0], null);
  }
}
