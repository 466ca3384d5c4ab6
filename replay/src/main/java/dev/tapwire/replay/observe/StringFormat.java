package dev.tapwire.replay.observe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * Classifies a string value by its shape so that a changed identifier format shows up in the drift
 * report while the value itself is never kept. The first matching rule wins:
 *
 * <ol>
 *   <li>{@code empty}: the empty string;
 *   <li>{@code uuid}: RFC 9562 text form, 8-4-4-4-12 hex digits;
 *   <li>{@code claude-user-id}: Claude Code's legacy {@code metadata.user_id}, {@code user_<64
 *       hex>_account_<uuid or empty>_session_<uuid>};
 *   <li>{@code json-text}: text that is itself a JSON object or array (for example the newer {@code
 *       metadata.user_id}, {@code {"device_id":…,"account_uuid":…,"session_id":…}});
 *   <li>{@code date-time}: an RFC 3339 date-time;
 *   <li>{@code url}: {@code scheme://…} without white space;
 *   <li>{@code hex}: 16 or more hex digits;
 *   <li>{@code base64}: 64 or more base64 characters, length a multiple of 4;
 *   <li>{@code prefixed-id}: a lower-case prefix, an underscore and 8 or more letters and digits
 *       ({@code msg_01…}, {@code toolu_…}, {@code req_…});
 *   <li>{@code token}: 1 to 64 characters of letters, digits, {@code _ . : / -} (model names,
 *       enumerated values);
 *   <li>{@code text}: anything else.
 * </ol>
 */
public final class StringFormat {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_JSON_TEXT = 1 << 20;

  private static final Pattern UUID =
      Pattern.compile(
          "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
  private static final Pattern CLAUDE_USER_ID =
      Pattern.compile("^user_[0-9a-f]{64}_account_([0-9a-fA-F-]{36})?_session_[0-9a-fA-F-]{36}$");
  private static final Pattern URL = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://\\S+$");
  private static final Pattern HEX = Pattern.compile("^[0-9a-fA-F]{16,}$");
  private static final Pattern BASE64 = Pattern.compile("^[A-Za-z0-9+/]{62,}={0,2}$");
  private static final Pattern PREFIXED_ID = Pattern.compile("^[a-z]{2,12}_[A-Za-z0-9]{8,}$");
  private static final Pattern TOKEN = Pattern.compile("^[A-Za-z0-9_.:/-]{1,64}$");

  private StringFormat() {}

  /** The format name of {@code value} (see the class comment). */
  public static String of(String value) {
    if (value.isEmpty()) {
      return "empty";
    }
    if (UUID.matcher(value).matches()) {
      return "uuid";
    }
    if (value.startsWith("user_") && CLAUDE_USER_ID.matcher(value).matches()) {
      return "claude-user-id";
    }
    if (isJsonText(value)) {
      return "json-text";
    }
    if (isDateTime(value)) {
      return "date-time";
    }
    if (URL.matcher(value).matches()) {
      return "url";
    }
    if (HEX.matcher(value).matches()) {
      return "hex";
    }
    if (value.length() % 4 == 0 && BASE64.matcher(value).matches()) {
      return "base64";
    }
    if (PREFIXED_ID.matcher(value).matches()) {
      return "prefixed-id";
    }
    if (TOKEN.matcher(value).matches()) {
      return "token";
    }
    return "text";
  }

  private static boolean isJsonText(String value) {
    char first = value.charAt(0);
    char last = value.charAt(value.length() - 1);
    if (!((first == '{' && last == '}') || (first == '[' && last == ']'))
        || value.length() > MAX_JSON_TEXT) {
      return false;
    }
    try {
      JsonNode node = JSON.readTree(value);
      return node != null && (node.isObject() || node.isArray());
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean isDateTime(String value) {
    if (value.length() < 20 || value.length() > 40 || !Character.isDigit(value.charAt(0))) {
      return false;
    }
    try {
      OffsetDateTime.parse(value);
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }
}
