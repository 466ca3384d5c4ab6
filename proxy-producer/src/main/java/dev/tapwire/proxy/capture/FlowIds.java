package dev.tapwire.proxy.capture;

import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Time-ordered flow ids: UUID version 7 (RFC 9562 §5.7), 48-bit Unix milliseconds from the injected
 * clock followed by 74 random bits, so ids sort by creation time.
 */
public final class FlowIds {
  private final Clock clock;

  /**
   * @param clock the source of the millisecond timestamp
   */
  public FlowIds(Clock clock) {
    this.clock = clock;
  }

  /** A new UUIDv7. */
  public UUID next() {
    long millis = clock.millis();
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long msb = (millis << 16) | 0x7000L | (random.nextInt() & 0x0FFFL);
    long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb);
  }
}
