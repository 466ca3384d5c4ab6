package dev.tapwire.processor.topology;

import java.nio.ByteBuffer;
import java.util.UUID;
import org.apache.kafka.common.utils.Bytes;

/**
 * Binary store keys, ordered bytewise (the order of RocksDB's default comparator and of {@link
 * Bytes#compareTo}).
 *
 * <ul>
 *   <li>event key {@code flowId|seq}: the 16 bytes of the flow id, then the sequence number as 8
 *       big-endian bytes, so one flow's events are contiguous and in sequence order;
 *   <li>finished-at key {@code epochMillis|flowId}: 8 big-endian bytes, then the 16-byte flow id,
 *       so expired entries are one range.
 * </ul>
 */
final class StoreKeys {
  private StoreKeys() {}

  static Bytes event(UUID flowId, long seq) {
    return Bytes.wrap(
        ByteBuffer.allocate(24)
            .putLong(flowId.getMostSignificantBits())
            .putLong(flowId.getLeastSignificantBits())
            .putLong(seq)
            .array());
  }

  static Bytes finishedAt(long epochMillis, UUID flowId) {
    return Bytes.wrap(
        ByteBuffer.allocate(24)
            .putLong(epochMillis)
            .putLong(flowId.getMostSignificantBits())
            .putLong(flowId.getLeastSignificantBits())
            .array());
  }

  static UUID flowIdOfFinishedAt(Bytes key) {
    ByteBuffer buffer = ByteBuffer.wrap(key.get());
    buffer.getLong();
    return new UUID(buffer.getLong(), buffer.getLong());
  }
}
