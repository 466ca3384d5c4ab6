package dev.tapwire.processor.pricing;

import java.math.BigDecimal;

/**
 * One set of token prices in USD per million tokens.
 *
 * @param input uncached input tokens
 * @param cacheWrite5m cache creation with the 5-minute TTL
 * @param cacheWrite1h cache creation with the 1-hour TTL
 * @param cacheRead cache reads
 * @param output output tokens (thinking tokens are billed as output)
 */
public record Prices(
    BigDecimal input,
    BigDecimal cacheWrite5m,
    BigDecimal cacheWrite1h,
    BigDecimal cacheRead,
    BigDecimal output) {}
