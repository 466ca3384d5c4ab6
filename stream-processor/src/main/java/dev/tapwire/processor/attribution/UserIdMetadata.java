package dev.tapwire.processor.attribution;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parts of an Anthropic request's {@code metadata.user_id} as Claude Code sends it, in either
 * form: legacy {@code user_<sha256 hex>_account_<uuid or empty>_session_<uuid>}, or JSON text
 * {@code {"device_id":…,"account_uuid":…,"session_id":…}}.
 *
 * @param userHash the sha256 part (legacy) or the device id (JSON)
 * @param accountUuid the account uuid, or null when empty or absent
 * @param sessionId the session id, or null
 * @param form {@code user_id_legacy} or {@code user_id_json}
 */
public record UserIdMetadata(String userHash, String accountUuid, String sessionId, String form) {
  private static final Pattern LEGACY =
      Pattern.compile("^user_([0-9a-fA-F]+)_account_([0-9a-fA-F-]*)_session_([0-9a-fA-F-]+)$");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Parses {@code userId}; returns null when it is null or in neither form. */
  public static UserIdMetadata parse(String userId) {
    if (userId == null) {
      return null;
    }
    String trimmed = userId.trim();
    Matcher legacy = LEGACY.matcher(trimmed);
    if (legacy.matches()) {
      String account = legacy.group(2);
      return new UserIdMetadata(
          legacy.group(1), account.isEmpty() ? null : account, legacy.group(3), "user_id_legacy");
    }
    if (trimmed.startsWith("{")) {
      try {
        JsonNode node = JSON.readTree(trimmed);
        return new UserIdMetadata(
            text(node, "device_id"),
            text(node, "account_uuid"),
            text(node, "session_id"),
            "user_id_json");
      } catch (JsonProcessingException e) {
        return null; // neither form: the caller records no session from the body
      }
    }
    return null;
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && value.isTextual() && !value.asText().isEmpty() ? value.asText() : null;
  }
}
