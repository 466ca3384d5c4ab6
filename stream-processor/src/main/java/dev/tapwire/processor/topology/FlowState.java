package dev.tapwire.processor.topology;

import java.nio.ByteBuffer;

/**
 * The small per-flow record kept in the {@code flow-state} store while a flow is open (24 bytes):
 * the next expected sequence number and the wall-clock time, in epoch milliseconds, of the flow's
 * last event.
 *
 * @param nextSeq the sequence number the next event must carry
 * @param lastActivityMs wall-clock time of the last accepted event, epoch milliseconds
 * @param eventCount events stored so far
 */
record FlowState(long nextSeq, long lastActivityMs, long eventCount) {

  byte[] toBytes() {
    return ByteBuffer.allocate(24)
        .putLong(nextSeq)
        .putLong(lastActivityMs)
        .putLong(eventCount)
        .array();
  }

  static FlowState fromBytes(byte[] bytes) {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    return new FlowState(buffer.getLong(), buffer.getLong(), buffer.getLong());
  }
}
