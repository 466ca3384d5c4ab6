package dev.tapwire.proxy.server;

import dev.tapwire.avro.ErrorKind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The data path's meters: {@code tapwire.proxy.connections.active} (gauge), {@code
 * tapwire.proxy.flows.active} (gauge), {@code tapwire.proxy.flows} (HTTP flows started), {@code
 * tapwire.proxy.bytes} with tag {@code direction} = {@code client_to_upstream} | {@code
 * upstream_to_client} (bytes relayed, bodies and tunnels), {@code tapwire.proxy.tunnels}, {@code
 * tapwire.proxy.errors} with tag {@code kind} (an {@link ErrorKind} name), {@code
 * tapwire.proxy.upstream.connections} (upstream connections opened; keep-alive reuses them).
 */
public final class ProxyMetrics {
  private final AtomicInteger activeConnections = new AtomicInteger();
  private final AtomicInteger activeFlows = new AtomicInteger();
  private final Counter flows;
  private final Counter bytesToUpstream;
  private final Counter bytesToClient;
  private final Counter tunnels;
  private final Counter upstreamConnections;
  private final Map<ErrorKind, Counter> errors = new EnumMap<>(ErrorKind.class);

  /** Registers the meters. */
  public ProxyMetrics(MeterRegistry registry) {
    Gauge.builder("tapwire.proxy.connections.active", activeConnections, AtomicInteger::get)
        .description("Open client connections")
        .register(registry);
    Gauge.builder("tapwire.proxy.flows.active", activeFlows, AtomicInteger::get)
        .description("HTTP flows in progress")
        .register(registry);
    flows =
        Counter.builder("tapwire.proxy.flows").description("HTTP flows started").register(registry);
    bytesToUpstream =
        Counter.builder("tapwire.proxy.bytes")
            .tag("direction", "client_to_upstream")
            .baseUnit("bytes")
            .register(registry);
    bytesToClient =
        Counter.builder("tapwire.proxy.bytes")
            .tag("direction", "upstream_to_client")
            .baseUnit("bytes")
            .register(registry);
    upstreamConnections =
        Counter.builder("tapwire.proxy.upstream.connections")
            .description("Upstream connections opened for decrypted and plain flows")
            .register(registry);
    tunnels =
        Counter.builder("tapwire.proxy.tunnels").description("Blind tunnels").register(registry);
    for (ErrorKind kind : ErrorKind.values()) {
      errors.put(
          kind,
          Counter.builder("tapwire.proxy.errors").tag("kind", kind.name()).register(registry));
    }
  }

  AtomicInteger activeConnections() {
    return activeConnections;
  }

  AtomicInteger activeFlows() {
    return activeFlows;
  }

  /** HTTP flows in progress right now. */
  public int activeFlowCount() {
    return activeFlows.get();
  }

  void flowStarted() {
    flows.increment();
  }

  void bytesToUpstream(long n) {
    bytesToUpstream.increment(n);
  }

  void bytesToClient(long n) {
    bytesToClient.increment(n);
  }

  /** Bytes relayed upstream → client so far (for tests of backpressure). */
  public double bytesToClientTotal() {
    return bytesToClient.count();
  }

  void upstreamConnectionOpened() {
    upstreamConnections.increment();
  }

  void tunnel() {
    tunnels.increment();
  }

  void error(ErrorKind kind) {
    errors.get(kind).increment();
  }
}
