package dev.tapwire.proxy.admin;

import dev.tapwire.proxy.capture.FlowEventSink;
import dev.tapwire.proxy.publish.KafkaFlowPublisher;
import dev.tapwire.proxy.publish.PublisherStatus;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Health of capture: healthy while the {@link FlowEventSink} can guarantee capture (Kafka reachable
 * or the spool has room). For a {@link KafkaFlowPublisher} the details carry the mode, queue, spool
 * depth and capture lag.
 */
public final class CaptureHealthCheck implements HealthCheck {
  private final FlowEventSink sink;

  public CaptureHealthCheck(FlowEventSink sink) {
    this.sink = sink;
  }

  @Override
  public String name() {
    return "capture";
  }

  @Override
  public HealthStatus check() {
    if (sink instanceof KafkaFlowPublisher publisher) {
      PublisherStatus s = publisher.status();
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("mode", s.mode().name().toLowerCase(Locale.ROOT));
      details.put("queued_events", s.queuedEvents());
      details.put("spool_records", s.spoolRecords());
      details.put("spool_bytes", s.spoolBytes());
      details.put("capture_lag_ms", s.captureLagMillis());
      return new HealthStatus(s.healthy(), s.reason(), details);
    }
    boolean healthy = sink.isHealthy();
    return new HealthStatus(healthy, healthy ? null : "capture cannot be guaranteed", Map.of());
  }
}
