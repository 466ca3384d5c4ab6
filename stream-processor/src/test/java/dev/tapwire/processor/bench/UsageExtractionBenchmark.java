package dev.tapwire.processor.bench;

import dev.tapwire.processor.provider.CallFacts;
import dev.tapwire.processor.provider.ProviderParser;
import dev.tapwire.processor.provider.ProviderParsers;
import dev.tapwire.processor.sse.SseEvent;
import dev.tapwire.processor.sse.SseParser;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Usage extraction: the Anthropic Messages parser reading every event of a parsed stream (JSON
 * parse of each event's data, first-token detection, cumulative usage merge). One op = one stream.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(
    value = 1,
    jvmArgs = {"-Xmx512m", "-XX:+UseSerialGC"})
public class UsageExtractionBenchmark {
  private static final Instant ARRIVAL = Instant.parse("2026-11-15T10:00:00Z");

  @Param({"300"})
  int deltas;

  List<SseEvent> events;
  ProviderParser parser;

  @Setup
  public void setUp() {
    events = SseParser.parseAll(SampleStreams.anthropic(deltas));
    parser = ProviderParsers.select("api.anthropic.com", "/v1/messages");
  }

  @Benchmark
  public Long extractUsage() {
    CallFacts facts = new CallFacts();
    for (SseEvent event : events) {
      parser.onSseEvent(event, ARRIVAL, facts);
    }
    return facts.usage.outputTokens();
  }
}
