package dev.tapwire.processor.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tapwire.avro.Cost;
import dev.tapwire.avro.CostStatus;
import dev.tapwire.processor.usage.CacheTtl;
import dev.tapwire.processor.usage.UsageAccumulator;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CostCalculatorTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant NOV_2026 = Instant.parse("2026-11-15T10:00:00Z");
  private final PriceTable table = PriceTable.bundled();
  private final CostCalculator calculator = new CostCalculator(table, CacheTtl.FIVE_MINUTES);

  private static UsageAccumulator usage(String json) throws Exception {
    UsageAccumulator usage = new UsageAccumulator();
    usage.applyResponseBody(JSON.readTree(json));
    return usage;
  }

  private static BigDecimal usd(String value) {
    return new BigDecimal(value).setScale(10);
  }

  @Test
  void shouldMatchExactIdsAndDatedVariantsButNeverGuess() {
    assertThat(table.find("claude-sonnet-4-5-20250929").orElseThrow().name())
        .startsWith("Sonnet 4 and 4.5");
    assertThat(table.find("claude-opus-4-1").orElseThrow().name()).isEqualTo("Opus 4 and 4.1");
    assertThat(table.find("claude-opus-4-1-20250805").orElseThrow().name())
        .isEqualTo("Opus 4 and 4.1");
    assertThat(table.find("claude-opus-4-20250514").orElseThrow().name())
        .isEqualTo("Opus 4 and 4.1");
    assertThat(table.find("claude-opus-4-5-20251101").orElseThrow().name())
        .isEqualTo("Opus 4.5-4.8");
    assertThat(table.find("claude-haiku-4-5").orElseThrow().name()).isEqualTo("Haiku 4.5");
    assertThat(table.find("claude-3-5-haiku-latest").orElseThrow().name()).isEqualTo("Haiku 3.5");
    assertThat(table.find("claude-3-haiku-20240307").orElseThrow().name()).isEqualTo("Haiku 3");
    assertThat(table.find("claude-opus-4-9")).isEmpty();
    assertThat(table.find("claude-sonnet-4-5-experimental")).isEmpty();
    assertThat(table.find("gpt-4o")).isEmpty();
  }

  @Test
  void shouldPriceEveryComponentInExactDecimals() throws Exception {
    Cost cost =
        calculator.price(
            "claude-sonnet-4-5-20250929",
            usage(
                "{\"input_tokens\":1000,\"output_tokens\":500,\"cache_creation_input_tokens\":3000,"
                    + "\"cache_read_input_tokens\":20000,\"cache_creation\":{\"ephemeral_5m_input_tokens\":1000,"
                    + "\"ephemeral_1h_input_tokens\":2000}}"),
            NOV_2026,
            List.of(),
            false);
    assertThat(cost.getStatus()).isEqualTo(CostStatus.PRICED);
    assertThat(cost.getInputUsd()).isEqualTo(usd("0.003"));
    assertThat(cost.getCacheWrite5mUsd()).isEqualTo(usd("0.00375"));
    assertThat(cost.getCacheWrite1hUsd()).isEqualTo(usd("0.012"));
    assertThat(cost.getCacheReadUsd()).isEqualTo(usd("0.006"));
    assertThat(cost.getOutputUsd()).isEqualTo(usd("0.0075"));
    assertThat(cost.getTotalUsd()).isEqualTo(usd("0.03225"));
    assertThat(cost.getPriceTableVersion()).isEqualTo("2026-11-01");
    assertThat(cost.getRule()).isNull();
  }

  @Test
  void shouldPriceUnattributedCacheCreationAtConfiguredDefaultTtl() throws Exception {
    String json =
        "{\"input_tokens\":0,\"output_tokens\":0,\"cache_creation_input_tokens\":1000000,"
            + "\"cache_creation\":{\"ephemeral_5m_input_tokens\":0,\"ephemeral_1h_input_tokens\":0}}";
    Cost at5m = calculator.price("claude-haiku-4-5", usage(json), NOV_2026, List.of(), false);
    Cost at1h =
        new CostCalculator(table, CacheTtl.ONE_HOUR)
            .price("claude-haiku-4-5", usage(json), NOV_2026, List.of(), false);
    assertThat(at5m.getCacheWrite5mUsd()).isEqualTo(usd("1.25"));
    assertThat(at5m.getCacheWrite1hUsd()).isEqualTo(usd("0"));
    assertThat(at1h.getCacheWrite1hUsd()).isEqualTo(usd("2"));
  }

  @Test
  void shouldApplyLongContextPricesOnlyWithBetaAndAbove200k() throws Exception {
    String big =
        "{\"input_tokens\":150000,\"cache_read_input_tokens\":60000,\"output_tokens\":1000}";
    Cost longContext =
        calculator.price(
            "claude-sonnet-4-5", usage(big), NOV_2026, List.of("context-1m-2025-08-07"), false);
    assertThat(longContext.getRule()).isEqualTo("long_context");
    assertThat(longContext.getInputUsd()).isEqualTo(usd("0.9"));
    assertThat(longContext.getCacheReadUsd()).isEqualTo(usd("0.036"));
    assertThat(longContext.getOutputUsd()).isEqualTo(usd("0.0225"));

    Cost withoutBeta =
        calculator.price("claude-sonnet-4-5", usage(big), NOV_2026, List.of(), false);
    assertThat(withoutBeta.getRule()).isNull();
    assertThat(withoutBeta.getInputUsd()).isEqualTo(usd("0.45"));

    String small =
        "{\"input_tokens\":150000,\"cache_read_input_tokens\":50000,\"output_tokens\":1000}";
    Cost exactly200k =
        calculator.price(
            "claude-sonnet-4-5", usage(small), NOV_2026, List.of("context-1m-2025-08-07"), false);
    assertThat(exactly200k.getRule()).isNull();
  }

  @Test
  void shouldApplyHaiku55BandAbove100kTotalInput() throws Exception {
    Cost low =
        calculator.price(
            "claude-haiku-5-5",
            usage("{\"input_tokens\":100000,\"output_tokens\":1000000}"),
            NOV_2026,
            List.of(),
            false);
    assertThat(low.getInputUsd()).isEqualTo(usd("0.01"));
    assertThat(low.getOutputUsd()).isEqualTo(usd("0.5"));
    Cost high =
        calculator.price(
            "claude-haiku-5-5",
            usage(
                "{\"input_tokens\":100000,\"cache_read_input_tokens\":1,\"output_tokens\":1000000}"),
            NOV_2026,
            List.of(),
            false);
    assertThat(high.getRule()).isEqualTo("band_above_100k");
    assertThat(high.getInputUsd()).isEqualTo(usd("0.05"));
    assertThat(high.getOutputUsd()).isEqualTo(usd("2.5"));
  }

  @Test
  void shouldUseTheSonnet55CacheReadPriceInForceAtCallStart() throws Exception {
    String json = "{\"input_tokens\":0,\"output_tokens\":0,\"cache_read_input_tokens\":1000000}";
    Cost before =
        calculator.price(
            "claude-sonnet-5-5",
            usage(json),
            Instant.parse("2026-10-06T23:59:59Z"),
            List.of(),
            false);
    Cost after =
        calculator.price(
            "claude-sonnet-5-5",
            usage(json),
            Instant.parse("2026-10-07T00:00:00Z"),
            List.of(),
            false);
    assertThat(before.getCacheReadUsd()).isEqualTo(usd("0.2"));
    assertThat(after.getCacheReadUsd()).isEqualTo(usd("0.1"));
  }

  @Test
  void shouldHalveInputAndOutputForBatches() throws Exception {
    Cost cost =
        calculator.price(
            "claude-opus-4-1",
            usage(
                "{\"input_tokens\":1000000,\"output_tokens\":1000000,\"cache_read_input_tokens\":1000000}"),
            NOV_2026,
            List.of(),
            true);
    assertThat(cost.getInputUsd()).isEqualTo(usd("7.5"));
    assertThat(cost.getOutputUsd()).isEqualTo(usd("37.5"));
    assertThat(cost.getCacheReadUsd()).isEqualTo(usd("1.5"));
    assertThat(cost.getRule()).isEqualTo("batch");
  }

  @Test
  void shouldGiveUnknownModelWithNullCostAndTableVersion() throws Exception {
    Cost cost =
        calculator.price(
            "claude-mystery-9",
            usage("{\"input_tokens\":10,\"output_tokens\":10}"),
            NOV_2026,
            List.of(),
            false);
    assertThat(cost.getStatus()).isEqualTo(CostStatus.UNKNOWN_MODEL);
    assertThat(cost.getTotalUsd()).isNull();
    assertThat(cost.getPriceTableVersion()).isEqualTo("2026-11-01");
  }

  @Test
  void shouldGiveNoUsageWithoutUsage() {
    Cost cost =
        calculator.price("claude-haiku-4-5", new UsageAccumulator(), NOV_2026, List.of(), false);
    assertThat(cost.getStatus()).isEqualTo(CostStatus.NO_USAGE);
  }

  @Test
  void shouldLoadAUserPriceTableThatOverridesTheBundledOne(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("prices.json");
    Files.writeString(
        file,
        "{\"version\":\"acme-2027\",\"models\":[{\"name\":\"Internal\",\"ids\":[\"claude-haiku-4-5\"],"
            + "\"periods\":[{\"from\":\"2020-01-01T00:00:00Z\",\"input\":\"2\",\"cache_write_5m\":\"2\","
            + "\"cache_write_1h\":\"2\",\"cache_read\":\"2\",\"output\":\"2\"}]}]}");
    Cost cost =
        new CostCalculator(PriceTable.load(file), CacheTtl.FIVE_MINUTES)
            .price(
                "claude-haiku-4-5",
                usage("{\"input_tokens\":1000000,\"output_tokens\":0}"),
                NOV_2026,
                List.of(),
                false);
    assertThat(cost.getPriceTableVersion()).isEqualTo("acme-2027");
    assertThat(cost.getTotalUsd()).isEqualTo(usd("2"));
  }

  @Test
  void shouldRejectAMalformedUserPriceTable(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.json");
    Files.writeString(file, "{\"models\":[]}");
    assertThatThrownBy(() -> PriceTable.load(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("missing field version");
  }
}
