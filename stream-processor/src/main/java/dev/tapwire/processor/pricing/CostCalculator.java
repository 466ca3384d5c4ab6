package dev.tapwire.processor.pricing;

import dev.tapwire.avro.Cost;
import dev.tapwire.avro.CostStatus;
import dev.tapwire.processor.usage.CacheTtl;
import dev.tapwire.processor.usage.UsageAccumulator;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Prices one call's final usage with a {@link PriceTable}, in exact decimals (USD per million
 * tokens divided by 10^6, results at scale 10, half-even).
 *
 * <p>Rules, in order: the period in force at the call's start (effective dating); the long-context
 * rule (for Sonnet 4/4.5 with an {@code anthropic-beta} value starting {@code context-1m} and total
 * input above 200k tokens, the whole request is priced at the long-context prices: input 6 and
 * output 22.50 as published, and the cache prices scaled by the same factor as input, i.e. 7.50 /
 * 12 / 0.60 — our documented choice); the band rule (Haiku 5.5 above 100k total input tokens); the
 * batch discount (50 % off input and output — only those two, as the table states — for calls on
 * {@code /v1/messages/batches}). Cache creation not attributed to 5m or 1h is priced at the
 * configured default TTL and added to that TTL's component. Total input means input + cache
 * creation + cache read.
 */
public final class CostCalculator {
  private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
  private static final BigDecimal HALF = new BigDecimal("0.5");
  private static final int SCALE = 10;

  private final PriceTable table;
  private final CacheTtl defaultTtl;

  /**
   * @param table the price table
   * @param defaultTtl the TTL at which unattributed cache creation is priced
   */
  public CostCalculator(PriceTable table, CacheTtl defaultTtl) {
    this.table = table;
    this.defaultTtl = defaultTtl;
  }

  /** The price-table version in use. */
  public String tableVersion() {
    return table.version();
  }

  /**
   * Prices a call.
   *
   * @param model the served model, else the requested model; null gives UNKNOWN_MODEL
   * @param usage the final usage; without usage the status is NO_USAGE
   * @param start the call's start (selects the effective period)
   * @param betas the request's {@code anthropic-beta} values
   * @param batch true for the batches API
   */
  public Cost price(
      String model, UsageAccumulator usage, Instant start, List<String> betas, boolean batch) {
    Cost.Builder cost = Cost.newBuilder().setPriceTableVersion(table.version());
    if (!usage.hasUsage() || usage.outputTokens() == null && usage.uncachedInputTokens() == null) {
      return cost.setStatus(CostStatus.NO_USAGE).build();
    }
    Optional<ModelPricing> found = table.find(model);
    if (found.isEmpty()) {
      return cost.setStatus(CostStatus.UNKNOWN_MODEL).build();
    }
    ModelPricing pricing = found.get();
    ModelPricing.Period period = pricing.periodAt(start);
    if (period == null) {
      return cost.setStatus(CostStatus.UNKNOWN_MODEL).build();
    }
    Prices prices = period.prices();
    List<String> rules = new ArrayList<>();
    long totalInput = usage.totalInputTokens() == null ? 0 : usage.totalInputTokens();
    ModelPricing.LongContext lc = pricing.longContext();
    if (lc != null
        && totalInput > lc.aboveInputTokens()
        && betas.stream().anyMatch(b -> b.startsWith(lc.betaPrefix()))) {
      prices = lc.prices();
      rules.add("long_context");
    }
    ModelPricing.Band band = pricing.band();
    if (band != null && totalInput > band.aboveInputTokens()) {
      prices = band.prices();
      rules.add("band_above_" + band.aboveInputTokens() / 1000 + "k");
    }
    BigDecimal inputPrice = prices.input();
    BigDecimal outputPrice = prices.output();
    if (batch) {
      inputPrice = inputPrice.multiply(HALF);
      outputPrice = outputPrice.multiply(HALF);
      rules.add("batch");
    }
    long unattributed = nz(usage.unattributedCacheCreation());
    long write5m = nz(usage.cacheCreation5m());
    long write1h = nz(usage.cacheCreation1h());
    if (defaultTtl == CacheTtl.FIVE_MINUTES) {
      write5m += unattributed;
    } else {
      write1h += unattributed;
    }
    BigDecimal input = times(usage.uncachedInputTokens(), inputPrice);
    BigDecimal cw5 = times(write5m, prices.cacheWrite5m());
    BigDecimal cw1 = times(write1h, prices.cacheWrite1h());
    BigDecimal read = times(usage.cacheReadTokens(), prices.cacheRead());
    BigDecimal output = times(usage.outputTokens(), outputPrice);
    BigDecimal total = input.add(cw5).add(cw1).add(read).add(output).setScale(SCALE);
    return cost.setStatus(CostStatus.PRICED)
        .setTotalUsd(total)
        .setInputUsd(input)
        .setCacheWrite5mUsd(cw5)
        .setCacheWrite1hUsd(cw1)
        .setCacheReadUsd(read)
        .setOutputUsd(output)
        .setPricedModel(pricing.name())
        .setRule(rules.isEmpty() ? null : String.join(",", rules))
        .build();
  }

  private static BigDecimal times(Long tokens, BigDecimal perMillion) {
    long n = tokens == null ? 0 : tokens;
    return BigDecimal.valueOf(n)
        .multiply(perMillion)
        .divide(MILLION, SCALE, RoundingMode.HALF_EVEN);
  }

  private static long nz(Long value) {
    return value == null ? 0 : value;
  }
}
