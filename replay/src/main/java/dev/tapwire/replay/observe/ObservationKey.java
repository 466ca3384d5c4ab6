package dev.tapwire.replay.observe;

import java.util.Comparator;
import java.util.Locale;
import java.util.Objects;

/**
 * What an observed schema is about: the API operation, the direction of the body, and the client
 * software that sent the request (from its User-Agent).
 *
 * @param operation the operation, lower case ({@code messages}, {@code count_tokens}, {@code
 *     telemetry}, {@code chat_completions}, {@code responses}, {@code other})
 * @param direction {@value #REQUEST}, {@value #RESPONSE} (non-SSE, status below 400), {@value
 *     #ERROR_RESPONSE} (status 400 and above) or {@code sse:<event type>} for the JSON data of one
 *     SSE event type
 * @param clientName the client name ({@code claude-cli}), or {@value #UNKNOWN}
 * @param clientVersion the client version ({@code 2.1.3}), or {@value #UNKNOWN}
 */
public record ObservationKey(
    String operation, String direction, String clientName, String clientVersion)
    implements Comparable<ObservationKey> {

  public static final String REQUEST = "request";
  public static final String RESPONSE = "response";
  public static final String ERROR_RESPONSE = "error_response";
  public static final String SSE_PREFIX = "sse:";
  public static final String UNKNOWN = "unknown";

  private static final Comparator<ObservationKey> ORDER =
      Comparator.comparing(ObservationKey::operation)
          .thenComparing(ObservationKey::clientName)
          .thenComparing(ObservationKey::clientVersion)
          .thenComparing(ObservationKey::direction);

  public ObservationKey {
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(direction, "direction");
    clientName = clientName == null || clientName.isBlank() ? UNKNOWN : clientName;
    clientVersion = clientVersion == null || clientVersion.isBlank() ? UNKNOWN : clientVersion;
  }

  /** The SSE event type of an {@code sse:} direction, else null. */
  public String sseEventType() {
    return direction.startsWith(SSE_PREFIX) ? direction.substring(SSE_PREFIX.length()) : null;
  }

  /** The key without the client version: what drift is compared on. */
  public Group group() {
    return new Group(operation, direction, clientName);
  }

  /** A file name for this key's JSON Schema, safe on every file system. */
  public String fileName() {
    return safe(operation)
        + "__"
        + safe(direction.replace(':', '-'))
        + "__"
        + safe(clientName)
        + "__"
        + safe(clientVersion)
        + ".schema.json";
  }

  private static String safe(String s) {
    return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "_");
  }

  @Override
  public int compareTo(ObservationKey other) {
    return ORDER.compare(this, other);
  }

  /**
   * An observation key without the client version.
   *
   * @param operation the operation
   * @param direction the direction
   * @param clientName the client name
   */
  public record Group(String operation, String direction, String clientName)
      implements Comparable<Group> {
    private static final Comparator<Group> GROUP_ORDER =
        Comparator.comparing(Group::operation)
            .thenComparing(Group::clientName)
            .thenComparing(Group::direction);

    @Override
    public int compareTo(Group other) {
      return GROUP_ORDER.compare(this, other);
    }

    @Override
    public String toString() {
      return operation + " " + direction + " (" + clientName + ")";
    }
  }
}
