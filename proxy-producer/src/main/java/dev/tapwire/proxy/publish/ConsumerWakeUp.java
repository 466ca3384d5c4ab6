package dev.tapwire.proxy.publish;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Wakes the one thread that consumes a hand-over queue only when it waits, so producers that call
 * {@link #signal} once per burst (a {@link dev.tapwire.proxy.capture.FlowEventSink#handOff}) cost
 * the consumer one wake-up per burst rather than one per event.
 *
 * <p>The consumer raises its flag before checking for work again, so work added after that check
 * always finds the flag raised and its signal unparks the consumer (a permit given before the park
 * makes the park return at once). The consumer never waits longer than the interval it passes to
 * {@link #await}, so work added without a signal is picked up then.
 */
public final class ConsumerWakeUp {
  private final AtomicBoolean parked = new AtomicBoolean();
  private volatile Thread consumer;

  /**
   * Called by the consumer when its queue is empty: parks until {@link #signal}, {@link #wake} or
   * {@code maxNanos} nanoseconds, unless {@code hasWork} is already true.
   */
  public void await(BooleanSupplier hasWork, long maxNanos) {
    consumer = Thread.currentThread();
    parked.set(true);
    if (!hasWork.getAsBoolean()) {
      LockSupport.parkNanos(this, maxNanos);
    }
    parked.set(false);
  }

  /** Wakes the consumer if it waits in {@link #await}; cheap when it does not. Never blocks. */
  public void signal() {
    if (parked.compareAndSet(true, false)) {
      wake();
    }
  }

  /** Unparks the consumer whether or not it waits (for shutdown). */
  public void wake() {
    Thread thread = consumer;
    if (thread != null) {
      LockSupport.unpark(thread);
    }
  }
}
