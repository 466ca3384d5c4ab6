package dev.tapwire.proxy.publish;

import dev.tapwire.avro.FlowEvent;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.OptionalLong;
import java.util.function.LongConsumer;
import java.util.function.ToLongFunction;

/**
 * The events sent directly to Kafka and not yet acknowledged, in send order.
 *
 * <p>When the publisher falls back to the spool, every such event is copied to the spool ahead of
 * all newer events ({@link #copyToSpool}), so the spool stays one FIFO. A copied event whose
 * original send is acknowledged later is reported to the caller (its spool copy must be skipped by
 * the drainer, or Kafka would get it twice); a copied event whose send fails is simply forgotten
 * (the spool has it). Thread-safe: the producer's I/O thread completes sends while the publisher
 * thread adds and copies.
 */
final class DirectSends {

  /** One direct send. */
  static final class Send {
    final long id;
    final FlowEvent event;
    final long enqueuedMillis;
    final long sentMillis;
    boolean failed;
    long spoolIndex = -1;

    Send(long id, FlowEvent event, long enqueuedMillis, long sentMillis) {
      this.id = id;
      this.event = event;
      this.enqueuedMillis = enqueuedMillis;
      this.sentMillis = sentMillis;
    }
  }

  private final LinkedHashMap<Long, Send> sends = new LinkedHashMap<>();
  private long nextId;
  private volatile boolean failureSeen;
  private volatile boolean laterSendsMayOvertake;

  synchronized Send add(FlowEvent event, long enqueuedMillis, long sentMillis) {
    Send send = new Send(nextId++, event, enqueuedMillis, sentMillis);
    sends.put(send.id, send);
    return send;
  }

  /**
   * Records Kafka's acknowledgement.
   *
   * @param copyDelivered told the spool index of the send's copy, if it was copied to the spool
   */
  synchronized void acknowledged(Send send, LongConsumer copyDelivered) {
    sends.remove(send.id);
    if (send.spoolIndex >= 0) {
      copyDelivered.accept(send.spoolIndex);
    }
  }

  /**
   * Records a failed send.
   *
   * @param sentBefore true when the failure came after the send had been handed to the producer
   *     (later sends may already be on their way), false when the send itself failed (nothing later
   *     was sent yet)
   * @return true if the event is not in the spool yet (a real loss to handle), false if its spool
   *     copy takes over
   */
  synchronized boolean failed(Send send, boolean sentBefore) {
    if (send.spoolIndex >= 0) {
      sends.remove(send.id);
      return false;
    }
    send.failed = true;
    failureSeen = true;
    if (sentBefore) {
      laterSendsMayOvertake = true;
    }
    return true;
  }

  /**
   * True once a send not yet in the spool failed after it had been handed to the producer: later
   * sends of the same partition may then overtake it, so the producer must be aborted.
   */
  boolean laterSendsMayOvertake() {
    return laterSendsMayOvertake;
  }

  /** True once a send has failed since the last {@link #copyToSpool}. */
  boolean failureSeen() {
    return failureSeen;
  }

  /**
   * Appends every send not yet copied to the spool, oldest first, and forgets failed ones once
   * copied. Stops at the first append that throws (the rest stay uncopied, to be retried).
   *
   * @param append appends an event to the spool and returns its index
   */
  synchronized void copyToSpool(ToLongFunction<FlowEvent> append) {
    failureSeen = false;
    laterSendsMayOvertake = false;
    Iterator<Send> it = sends.values().iterator();
    while (it.hasNext()) {
      Send send = it.next();
      if (send.spoolIndex >= 0) {
        continue;
      }
      send.spoolIndex = append.applyAsLong(send.event);
      if (send.failed) {
        it.remove();
      }
    }
  }

  /** True when some send has not been copied to the spool. */
  synchronized boolean hasUncopied() {
    for (Send send : sends.values()) {
      if (send.spoolIndex < 0) {
        return true;
      }
    }
    return false;
  }

  synchronized boolean isEmpty() {
    return sends.isEmpty();
  }

  synchronized int size() {
    return sends.size();
  }

  /** When the oldest unacknowledged, not failed send was sent (clock milliseconds), if any. */
  synchronized OptionalLong oldestPendingSentMillis() {
    for (Send send : sends.values()) {
      if (!send.failed) {
        return OptionalLong.of(send.sentMillis);
      }
    }
    return OptionalLong.empty();
  }

  /** When the oldest unacknowledged event was accepted (clock milliseconds), if any. */
  synchronized OptionalLong oldestEnqueuedMillis() {
    Iterator<Send> it = sends.values().iterator();
    return it.hasNext() ? OptionalLong.of(it.next().enqueuedMillis) : OptionalLong.empty();
  }
}
