package dev.tapwire.proxy.server;

import dev.tapwire.avro.Termination;
import dev.tapwire.avro.Tunnel;
import dev.tapwire.proxy.capture.FlowRecorder;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Counts the bytes of one blind tunnel and records it as a single {@link Tunnel} event when either
 * side closes (who talked to what, for how long, how many bytes each way). Both channels of a
 * tunnel share one event loop, so no synchronisation is needed.
 */
final class TunnelRecord implements TunnelRelayHandler.Listener {
  private final FlowRecorder recorder;
  private final Target target;
  private final String clientAddress;
  private final Instant startTime;
  private final long startNanos = System.nanoTime();
  private final ProxyMetrics metrics;
  private long clientToUpstream;
  private long upstreamToClient;
  private boolean recorded;

  TunnelRecord(
      FlowRecorder recorder,
      Target target,
      String clientAddress,
      Instant startTime,
      ProxyMetrics metrics) {
    this.recorder = recorder;
    this.target = target;
    this.clientAddress = clientAddress;
    this.startTime = startTime;
    this.metrics = metrics;
    metrics.tunnel();
  }

  @Override
  public void bytesRelayed(boolean fromClient, long n) {
    if (fromClient) {
      clientToUpstream += n;
      metrics.bytesToUpstream(n);
    } else {
      upstreamToClient += n;
      metrics.bytesToClient(n);
    }
  }

  @Override
  public void closed(String detail) {
    record(Termination.COMPLETE, detail);
  }

  void failed(String detail) {
    record(Termination.UPSTREAM_CONNECT_FAILURE, detail);
  }

  private void record(Termination termination, String detail) {
    if (recorded) {
      return;
    }
    recorded = true;
    recorder.tunnel(
        new Tunnel(
            target.host(),
            target.port(),
            clientAddress,
            startTime,
            TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - startNanos),
            clientToUpstream,
            upstreamToClient,
            termination,
            detail));
  }
}
