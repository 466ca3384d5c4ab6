package dev.tapwire.proxy.capture;

import dev.tapwire.avro.SseChunk;
import dev.tapwire.avro.SseFrame;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits a {@code text/event-stream} body into frames and batches them into {@link SseChunk}s.
 *
 * <p>A frame is the bytes of one event up to and including the blank line that ends it; lines end
 * with CRLF, LF or CR (WHATWG HTML Living Standard, "Server-sent events", §9.2.5 "Parsing an event
 * stream"). Each frame records its length and the arrival time of its last byte. The data of all
 * chunks, concatenated, is the body exactly: bytes after the last blank line come out at {@link
 * #drainAll} as one frame with {@code complete = false}. A single unterminated frame longer than
 * the part limit is also cut there with {@code complete = false}, so no event exceeds Kafka's
 * record limit (DESIGN.md invariant 7). Not thread-safe.
 */
final class SseChunker {
  private final int maxPendingBytes;
  private byte[] pending = new byte[8192];
  private int length;
  private int completeLength;
  private List<SseFrame> frames = new ArrayList<>(INITIAL_FRAMES);

  /** Frames a chunk's list is first sized for (a streamed reply is often a few hundred). */
  private static final int INITIAL_FRAMES = 64;

  private long offset;
  private int chunks;
  // line parser state
  private boolean atLineStart = true;
  private boolean lastWasCr;
  private boolean frameEndsAtCr;
  private boolean sawAnyByte;

  /**
   * @param maxPendingBytes cut an unterminated frame at this many bytes (e.g. 256 KiB)
   */
  SseChunker(int maxPendingBytes) {
    this.maxPendingBytes = maxPendingBytes;
  }

  /**
   * Appends the readable bytes of {@code buf} (not consumed) that arrived at {@code arrival}, and
   * feeds them to {@code digest}.
   */
  void append(ByteBuf buf, Instant arrival, BodyDigest digest) {
    int n = buf.readableBytes();
    ensureCapacity(length + n);
    buf.getBytes(buf.readerIndex(), pending, length, n);
    digest.update(pending, length, n);
    int end = length + n;
    if (n > 0) {
      sawAnyByte = true;
    }
    for (int i = length; i < end; i++) {
      if (!atLineStart && !lastWasCr && !frameEndsAtCr) {
        // inside a line: skip to its end (most bytes of a stream)
        while (i < end && pending[i] != '\n' && pending[i] != '\r') {
          i++;
        }
        if (i == end) {
          break;
        }
      }
      byte b = pending[i];
      if (frameEndsAtCr) {
        frameEndsAtCr = false;
        if (b == '\n') {
          closeFrame(i + 1, arrival, true);
          lastWasCr = false;
          continue;
        }
        closeFrame(i, arrival, true);
      }
      if (b == '\n') {
        if (lastWasCr) {
          lastWasCr = false; // second half of CRLF: the line already ended at CR
          continue;
        }
        if (atLineStart) {
          closeFrame(i + 1, arrival, true);
        }
        atLineStart = true;
      } else if (b == '\r') {
        lastWasCr = true;
        if (atLineStart) {
          frameEndsAtCr = true; // wait for a possible LF
        }
        atLineStart = true;
      } else {
        lastWasCr = false;
        atLineStart = false;
      }
    }
    length = end;
    if (length - completeLength > maxPendingBytes && !frameEndsAtCr) {
      closeFrame(length, arrival, false);
    }
  }

  /** Bytes of complete frames waiting to be drained. */
  int completeBytes() {
    return completeLength;
  }

  /** Whether complete frames are waiting. */
  boolean hasCompleteFrames() {
    return !frames.isEmpty();
  }

  /** A chunk of all complete frames so far, or null if none. */
  SseChunk drainComplete() {
    if (frames.isEmpty()) {
      return null;
    }
    return take();
  }

  /**
   * At the end of the stream: every remaining byte, the trailing unterminated ones as a frame with
   * {@code complete = false}; null if nothing remains.
   */
  SseChunk drainAll(Instant now) {
    if (frameEndsAtCr) {
      frameEndsAtCr = false;
      closeFrame(length, now, true);
    }
    if (length > completeLength) {
      closeFrame(length, now, false);
    }
    return frames.isEmpty() ? null : take();
  }

  /** Number of chunks drained so far. */
  int chunks() {
    return chunks;
  }

  boolean sawAnyByte() {
    return sawAnyByte;
  }

  private void closeFrame(int endExclusive, Instant arrival, boolean complete) {
    int frameLength = endExclusive - completeLength;
    if (frameLength <= 0) {
      return;
    }
    frames.add(new SseFrame(frameLength, arrival, complete));
    completeLength = endExclusive;
    atLineStart = true;
  }

  private SseChunk take() {
    byte[] data = Arrays.copyOf(pending, completeLength);
    List<SseFrame> taken = frames; // handed to the chunk; the next chunk gets a new list
    frames = new ArrayList<>(INITIAL_FRAMES);
    SseChunk chunk = new SseChunk(offset, ByteBuffer.wrap(data), taken);
    offset += completeLength;
    System.arraycopy(pending, completeLength, pending, 0, length - completeLength);
    length -= completeLength;
    completeLength = 0;
    chunks++;
    return chunk;
  }

  private void ensureCapacity(int needed) {
    if (needed > pending.length) {
      pending = Arrays.copyOf(pending, Math.max(needed, pending.length * 2));
    }
  }
}
