package dev.tapwire.sink;

import dev.tapwire.avro.CallIdentity;
import dev.tapwire.avro.CallRecord;
import dev.tapwire.avro.CallRequest;
import dev.tapwire.avro.CallResponse;
import dev.tapwire.avro.Cost;
import dev.tapwire.avro.CostStatus;
import dev.tapwire.avro.CredentialKind;
import dev.tapwire.avro.Operation;
import dev.tapwire.avro.Outcome;
import dev.tapwire.avro.RateLimits;
import dev.tapwire.avro.Timing;
import dev.tapwire.avro.Usage;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Deterministic call records for tests and benchmarks. */
public final class TestCalls {

  private static final String[] MODELS = {
    "claude-opus-4-5", "claude-sonnet-4-5", "claude-haiku-4-5", "claude-sonnet-5"
  };

  private TestCalls() {}

  /** Call number {@code i}, starting at {@code start}; tokens and cost vary with {@code i}. */
  public static CallRecord call(long i, Instant start) {
    long input = 10 + i % 97;
    long output = 100 + (i * 7) % 1_000;
    long cacheRead = (i % 3) * 1_000;
    BigDecimal total =
        BigDecimal.valueOf(input * 3 + output * 15 + cacheRead * 3 / 10)
            .divide(BigDecimal.valueOf(1_000_000))
            .setScale(10, RoundingMode.UNNECESSARY);
    String model = MODELS[(int) (i % MODELS.length)];
    return CallRecord.newBuilder()
        .setCallId(new UUID(0x0190_0000_0000_7000L | i, 0x8000_0000_0000_0000L | i))
        .setProxyId("proxy-1")
        .setOutcome(i % 10 == 9 ? Outcome.ERROR_RESPONSE : Outcome.COMPLETE)
        .setTermination("COMPLETE")
        .setIdentity(
            CallIdentity.newBuilder()
                .setSessionId("session-" + (i % 5))
                .setClientName("claude-cli")
                .setClientVersion("2.1.3")
                .setCredentialFingerprint("fp:api_key:" + Long.toHexString(1_000 + i % 4))
                .setCredentialKind(CredentialKind.API_KEY)
                .build())
        .setRequest(
            CallRequest.newBuilder()
                .setProvider("anthropic")
                .setHost("api.anthropic.com")
                .setMethod("POST")
                .setPath("/v1/messages?beta=true")
                .setOperation(Operation.MESSAGES)
                .setModel(model)
                .setStream(true)
                .setRequestBytes(50_000 + i)
                .setAnthropicBeta(List.of("claude-code-20250219"))
                .build())
        .setResponse(
            CallResponse.newBuilder()
                .setStatus(i % 10 == 9 ? 529 : 200)
                .setModel(model)
                .setStreamed(true)
                .setResponseBytes(4_000 + i)
                .setToolNames(List.of("Bash"))
                .build())
        .setUsage(
            Usage.newBuilder()
                .setInputTokens(input)
                .setOutputTokens(output)
                .setCacheReadInputTokens(cacheRead)
                .setCacheCreationInputTokens(0L)
                .setSource("message_delta")
                .build())
        .setCost(
            Cost.newBuilder()
                .setStatus(CostStatus.PRICED)
                .setTotalUsd(total)
                .setPriceTableVersion("2026-11-01")
                .build())
        .setTiming(
            Timing.newBuilder()
                .setStart(start)
                .setEnd(start.plus(Duration.ofMillis(1_500)))
                .setDurationMs(1_500.0)
                .build())
        .setRateLimits(
            RateLimits.newBuilder()
                .setHeaders(Map.of("anthropic-ratelimit-unified-status", "allowed"))
                .build())
        .setProcessedAt(start.plus(Duration.ofSeconds(2)))
        .setProcessorVersion("test")
        .build();
  }
}
