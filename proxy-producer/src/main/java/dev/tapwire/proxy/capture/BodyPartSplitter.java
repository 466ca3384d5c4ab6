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
  private final byte[] part;
  private int filled;
  private long offset;
  private int parts;

  BodyPartSplitter(Direction direction, int maxPartBytes) {
    this.direction = direction;
    this.part = new byte[maxPartBytes];
  }

  /** Copies the readable bytes of {@code buf} (without consuming them), emitting full parts. */
  void append(ByteBuf buf, Consumer<BodyPart> emit) {
    int index = buf.readerIndex();
    int left = buf.readableBytes();
    while (left > 0) {
      int n = Math.min(left, part.length - filled);
      buf.getBytes(index, part, filled, n);
      filled += n;
      index += n;
      left -= n;
      if (filled == part.length) {
        flush(emit);
      }
    }
  }

  /** Emits the last, partly filled part, if any. */
  void flush(Consumer<BodyPart> emit) {
    if (filled == 0) {
      return;
    }
    byte[] data = new byte[filled];
    System.arraycopy(part, 0, data, 0, filled);
    emit.accept(new BodyPart(direction, offset, ByteBuffer.wrap(data)));
    offset += filled;
    filled = 0;
    parts++;
  }

  int parts() {
    return parts;
  }
}
