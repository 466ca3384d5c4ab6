package dev.tapwire.processor.topology;

import dev.tapwire.avro.FlowEvent;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;

/**
 * The decoded form of events stored in the {@code flow-events} store, kept in memory by {@link
 * FlowCorrelator} so that an event's Avro is decoded once (on arrival) rather than again when its
 * flow ends and is read back.
 *
 * <p>It is only a cache of the store, never a replacement: {@link #take} returns the decoded event
 * only when the bytes just read from the store are equal to the bytes it was decoded from, so
 * whatever the store holds (after a restart, a rebalance, a restore from the changelog, an aborted
 * transaction) the result is exactly what decoding those bytes would give. Entries are held in
 * arrival order and the oldest are dropped when their stored bytes exceed {@code maxBytes}; a
 * dropped or missing entry just means the event is decoded again. Not thread-safe; one per
 * processor instance (stream task).
 */
final class DecodedEvents {
  private record Entry(byte[] stored, FlowEvent event) {}

  private final long maxBytes;
  private final LinkedHashMap<Bytes, Entry> entries = new LinkedHashMap<>();
  private long bytes;

  /**
   * @param maxBytes bound on the total size of the stored bytes of the cached events, in bytes (0
   *     disables the cache)
   */
  DecodedEvents(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** Remembers {@code event} as the decoding of {@code stored}, the value put under {@code key}. */
  void put(Bytes key, byte[] stored, FlowEvent event) {
    if (stored.length > maxBytes) {
      return;
    }
    Entry old = entries.put(key, new Entry(stored, event));
    if (old != null) {
      bytes -= old.stored.length;
    }
    bytes += stored.length;
    Iterator<Map.Entry<Bytes, Entry>> oldest = entries.entrySet().iterator();
    while (bytes > maxBytes && oldest.hasNext()) {
      bytes -= oldest.next().getValue().stored.length;
      oldest.remove();
    }
  }

  /**
   * Removes the entry of {@code key} and returns its decoded event if it was decoded from bytes
   * equal to {@code stored}; else null (the caller decodes {@code stored} itself).
   */
  FlowEvent take(Bytes key, byte[] stored) {
    Entry entry = entries.remove(key);
    if (entry == null) {
      return null;
    }
    bytes -= entry.stored.length;
    return entry.stored == stored || Arrays.equals(entry.stored, stored) ? entry.event : null;
  }

  /** Forgets every entry. */
  void clear() {
    entries.clear();
    bytes = 0;
  }

  /** Number of cached events. */
  int size() {
    return entries.size();
  }

  /** Total size of the stored bytes of the cached events. */
  long bytes() {
    return bytes;
  }
}
