package dev.tapwire.processor.bench;

import dev.tapwire.processor.sse.SseParser;
import java.nio.charset.StandardCharsets;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * SSE parsing of a whole Anthropic stream (one op = one stream of {@code deltas} text deltas plus
 * the framing events), fed in 4 KiB slices as the proxy's chunks would be.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(
    value = 1,
    jvmArgs = {"-Xmx512m", "-XX:+UseSerialGC"})
public class SseParserBenchmark {
  @Param({"300"})
  int deltas;

  byte[] stream;

  @Setup
  public void setUp() {
    stream = SampleStreams.anthropic(deltas).getBytes(StandardCharsets.UTF_8);
  }

  @Benchmark
  public void parseStream(Blackhole hole) {
    SseParser parser = new SseParser(hole::consume);
    for (int at = 0; at < stream.length; at += 4096) {
      parser.feed(stream, at, Math.min(4096, stream.length - at));
    }
    parser.finish();
  }
}
