package dev.tapwire.proxy.capture;

import dev.tapwire.avro.BodyPart;
import dev.tapwire.avro.Direction;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * Copies a body into {@link BodyPart}s of at most {@code maxPartBytes} (DESIGN.md invariant 7: no
 * record over 1 MiB), each carrying its byte offset within the body, and feeds the copied bytes to
 * the body's digest. Each byte is copied once: with a known body length the part array has its
 * final size from the start and is handed to the part without a copy. Not thread-safe.
 */
final class BodyPartSplitter {
  private final Direction direction;
  private final int maxPartBytes;
  private byte[] part = new byte[0];
  private int filled;
  private long offset;
  private int parts;
  private long expectedRemaining = -1;

  BodyPartSplitter(Direction direction, int maxPartBytes) {
    this.direction = direction;
    this.maxPartBytes = maxPartBytes;
  }

  /**
   * The body's length from its {@code Content-Length}, or -1 if unknown (chunked, close-delimited):
   * parts are then sized for it instead of grown.
   */
  void expectBytes(long bodyBytes) {
    expectedRemaining = bodyBytes;
  }

  /**
   * Copies the readable bytes of {@code buf} (without consuming them) and feeds them to {@code
   * digest}, emitting full parts.
   */
  void append(ByteBuf buf, BodyDigest digest, Consumer<BodyPart> emit) {
    int index = buf.readerIndex();
    int left = buf.readableBytes();
    while (left > 0) {
      int n = Math.min(left, maxPartBytes - filled);
      if (filled + n > part.length) {
        part = java.util.Arrays.copyOf(part, nextPartCapacity(filled + n));
      }
      buf.getBytes(index, part, filled, n);
      digest.update(part, filled, n);
      filled += n;
      index += n;
      left -= n;
      if (filled == maxPartBytes) {
        flush(emit);
      }
    }
  }

  private int nextPartCapacity(int needed) {
    if (expectedRemaining >= needed) {
      // the rest of a body of known length, up to a part: no further growth
      return (int) Math.min(maxPartBytes, expectedRemaining);
    }
    // grow on demand: most bodies (count_tokens, telemetry) are far smaller than a part
    return Math.min(maxPartBytes, Math.max(needed, part.length * 2));
  }

  /** Emits the last, partly filled part, if any. */
  void flush(Consumer<BodyPart> emit) {
    if (filled == 0) {
      return;
    }
    byte[] data;
    if (filled == part.length) {
      data = part; // hand the full buffer over instead of copying it
      part = new byte[0];
    } else {
      data = java.util.Arrays.copyOf(part, filled);
    }
    emit.accept(new BodyPart(direction, offset, ByteBuffer.wrap(data)));
    offset += filled;
    if (expectedRemaining >= 0) {
      expectedRemaining = Math.max(0, expectedRemaining - filled);
    }
    filled = 0;
    parts++;
  }

  int parts() {
    return parts;
  }
}
