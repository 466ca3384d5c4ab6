package dev.tapwire.processor.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.avro.Header;
import dev.tapwire.avro.RateLimits;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RateLimitHeadersTest {

  @Test
  void shouldKeepEveryRateLimitAndPriorityHeaderVerbatimAndParseUnified() {
    RateLimits limits =
        RateLimitHeaders.from(
            List.of(
                new Header("Content-Type", "application/json"),
                new Header("Anthropic-Ratelimit-Unified-Status", "allowed"),
                new Header("anthropic-ratelimit-unified-5h-utilization", "0.42"),
                new Header("anthropic-ratelimit-unified-7d-utilization", "0.07"),
                new Header("anthropic-ratelimit-unified-5h-reset", "1763726400"),
                new Header("anthropic-ratelimit-unified-7d-reset", "2026-11-25T00:00:00Z"),
                new Header("anthropic-ratelimit-input-tokens-remaining", "399000"),
                new Header("anthropic-priority-input-tokens-limit", "1000")));
    assertThat(limits.getHeaders())
        .hasSize(7)
        .containsEntry("anthropic-ratelimit-unified-status", "allowed")
        .containsEntry("anthropic-ratelimit-input-tokens-remaining", "399000")
        .containsEntry("anthropic-priority-input-tokens-limit", "1000")
        .doesNotContainKey("content-type");
    assertThat(limits.getUnifiedStatus()).isEqualTo("allowed");
    assertThat(limits.getUnified5hUtilization()).isEqualTo(0.42);
    assertThat(limits.getUnified7dUtilization()).isEqualTo(0.07);
    assertThat(limits.getUnified5hReset()).isEqualTo(Instant.ofEpochSecond(1763726400));
    assertThat(limits.getUnified7dReset()).isEqualTo(Instant.parse("2026-11-25T00:00:00Z"));
  }

  @Test
  void shouldKeepUnparseableValuesOnlyVerbatim() {
    RateLimits limits =
        RateLimitHeaders.from(
            List.of(new Header("anthropic-ratelimit-unified-5h-utilization", "lots")));
    assertThat(limits.getUnified5hUtilization()).isNull();
    assertThat(limits.getHeaders())
        .containsEntry("anthropic-ratelimit-unified-5h-utilization", "lots");
  }
}
