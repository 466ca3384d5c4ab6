package dev.tapwire.schemas;

/**
 * Kafka topic names used by Tapwire, declared once.
 *
 * <p>Keys: {@link #RAW_FLOWS} and its replays are keyed by flow id (UUID text, UTF-8); {@link
 * #CALLS} by call id (= flow id). Values are Avro in the Confluent wire format, subjects named by
 * topic ({@code <topic>-value}).
 */
public final class Topics {
  /** Raw flow events from the proxy ({@code dev.tapwire.avro.FlowEvent}). */
  public static final String RAW_FLOWS = "tapwire.flows.raw";

  /** One call record per API call ({@code dev.tapwire.avro.CallRecord}). */
  public static final String CALLS = "tapwire.calls";

  /** Raw events the stream processor could not use ({@code dev.tapwire.avro.DeadLetter}). */
  public static final String FLOWS_DLQ = "tapwire.flows.dlq";

  /** Call records the sinks could not convert ({@code dev.tapwire.avro.DeadLetter}). */
  public static final String CALLS_DLQ = "tapwire.calls.dlq";

  /** Compacted topic in which the embedded schema registry keeps its schemas. */
  public static final String SCHEMAS = "_schemas";

  private static final String FLOWS_REPLAY_PREFIX = "tapwire.flows.replay.";
  private static final String CALLS_REPLAY_PREFIX = "tapwire.calls.replay.";

  private Topics() {}

  /**
   * Returns the topic a replay named {@code name} writes raw flows to.
   *
   * @throws IllegalArgumentException if the name is not a legal topic-name suffix
   */
  public static String flowsReplay(String name) {
    return FLOWS_REPLAY_PREFIX + checkName(name);
  }

  /**
   * Returns the topic call records re-derived from replay {@code name} go to.
   *
   * @throws IllegalArgumentException if the name is not a legal topic-name suffix
   */
  public static String callsReplay(String name) {
    return CALLS_REPLAY_PREFIX + checkName(name);
  }

  private static String checkName(String name) {
    if (name == null || !name.matches("[A-Za-z0-9._-]{1,200}")) {
      throw new IllegalArgumentException(
          "replay name must be 1-200 characters of letters, digits, '.', '_' or '-': " + name);
    }
    return name;
  }
}
