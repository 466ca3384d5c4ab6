package dev.tapwire.proxy.capture;

import dev.tapwire.avro.BodyPart;
import dev.tapwire.avro.Direction;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * Copies a body into {@link BodyPart}s of at most {@code maxPartBytes} (DESIGN.md invariant 7: no
 * record over 1 MiB), each carrying its byte offset within the body. Not thread-safe.
 */
final class BodyPartSplitter {
  private final Direction direction;
  private final int maxPartBytes;
  private byte[] part = new byte[0];
  private int filled;
  private long offset;
  private int parts;

  BodyPartSplitter(Direction direction, int maxPartBytes) {
    this.direction = direction;
    this.maxPartBytes = maxPartBytes;
  }

  /** Copies the readable bytes of {@code buf} (without consuming them), emitting full parts. */
  void append(ByteBuf buf, Consumer<BodyPart> emit) {
    int index = buf.readerIndex();
    int left = buf.readableBytes();
    while (left > 0) {
      int n = Math.min(left, maxPartBytes - filled);
      if (filled + n > part.length) {
        // grow on demand: most bodies (count_tokens, telemetry) are far smaller than a part
        part =
            java.util.Arrays.copyOf(
                part, Math.min(maxPartBytes, Math.max(filled + n, part.length * 2)));
      }
      buf.getBytes(index, part, filled, n);
      filled += n;
      index += n;
      left -= n;
      if (filled == maxPartBytes) {
        flush(emit);
      }
    }
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
    filled = 0;
    parts++;
  }

  int parts() {
    return parts;
  }
}
