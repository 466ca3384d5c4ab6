package dev.tapwire.processor.pricing;

import java.time.Instant;
import java.util.List;

/**
 * The price entry of one model family.
 *
 * @param name the entry's display name, recorded as {@code cost.priced_model}
 * @param ids the model ids this entry prices (dated variants match too, see {@link PriceTable})
 * @param periods effective-dated prices, sorted by {@code from} ascending
 * @param longContext the long-context rule, or null
 * @param band the per-band rule (prices above a prompt size), or null
 */
public record ModelPricing(
    String name, List<String> ids, List<Period> periods, LongContext longContext, Band band) {

  /** Prices effective from an instant (inclusive) until the next period. */
  public record Period(Instant from, Prices prices) {}

  /**
   * Whole request at {@code prices} when an {@code anthropic-beta} value starts with {@code
   * betaPrefix} and the total input exceeds {@code aboveInputTokens}.
   */
  public record LongContext(String betaPrefix, long aboveInputTokens, Prices prices) {}

  /** Whole request at {@code prices} when the total input exceeds {@code aboveInputTokens}. */
  public record Band(long aboveInputTokens, Prices prices) {}

  /** The period in force at {@code at}, or null when {@code at} precedes every period. */
  public Period periodAt(Instant at) {
    Period found = null;
    for (Period period : periods) {
      if (!period.from().isAfter(at)) {
        found = period;
      }
    }
    return found;
  }
}
