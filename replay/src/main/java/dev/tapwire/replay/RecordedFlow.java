package dev.tapwire.replay;

import java.util.List;
import java.util.Objects;

/**
 * Every event of one flow, in sequence order, as it is written to a replay topic.
 *
 * @param flowId the flow id (UUID text), equal to the Kafka key
 * @param key the Kafka key bytes, unchanged from the source (UTF-8 flow id)
 * @param events the events, sequence numbers strictly increasing
 * @param complete false when the scan ended before the flow's last event (FlowEnd, Tunnel or lone
 *     FlowError) was seen
 */
public record RecordedFlow(String flowId, byte[] key, List<Event> events, boolean complete) {

  public RecordedFlow {
    Objects.requireNonNull(flowId, "flowId");
    Objects.requireNonNull(key, "key");
    events = List.copyOf(events);
  }

  /** Key plus value bytes of every event. */
  public long bytes() {
    long total = 0;
    for (Event e : events) {
      total += key.length + e.value().length;
    }
    return total;
  }

  /**
   * One event of the flow.
   *
   * @param seq the per-flow sequence number
   * @param timestampMillis the record timestamp to write (the event's {@code event_time}, epoch
   *     milliseconds)
   * @param value the Confluent-wire-format Avro value bytes of the {@code FlowEvent}
   */
  public record Event(long seq, long timestampMillis, byte[] value) {}
}
