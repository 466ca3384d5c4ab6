package dev.tapwire.proxy.server;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOutboundInvoker;
import io.netty.util.ReferenceCountUtil;

/**
 * The writes of one read batch to one channel with a single promise: every object but the latest is
 * written with the void promise at once, the latest is held until {@link #writeHeld} writes it with
 * a real promise. Writes to a channel complete in order, so that promise completes once the whole
 * batch is written; a failed void-promise write goes to the pipeline's {@code exceptionCaught}
 * instead. Saves a promise and a listener per object (per SSE event on the response side). Confined
 * to the event loop.
 */
final class BatchedWrites {
  private Object held;
  private ChannelFuture last;

  /** Writes the object held so far (void promise) to {@code out} and holds {@code msg} instead. */
  void add(ChannelOutboundInvoker out, Object msg) {
    Object previous = held;
    held = msg;
    if (previous != null) {
      out.write(previous, out.voidPromise());
    }
  }

  /** Whether an object is held, not yet written. */
  boolean hasHeld() {
    return held != null;
  }

  /** Writes the held object, if any, to {@code out} with a promise, which becomes {@link #last}. */
  void writeHeld(ChannelOutboundInvoker out) {
    Object msg = held;
    if (msg != null) {
      held = null;
      last = out.write(msg);
    }
  }

  /** The promise of the latest {@link #writeHeld} that wrote something, or null. */
  ChannelFuture last() {
    return last;
  }

  /** Returns {@link #last} and forgets it, so the next batch starts without one. */
  ChannelFuture takeLast() {
    ChannelFuture future = last;
    last = null;
    return future;
  }

  /** Releases the held object, which can no longer go out. */
  void releaseHeld() {
    Object msg = held;
    held = null;
    ReferenceCountUtil.release(msg);
  }
}
