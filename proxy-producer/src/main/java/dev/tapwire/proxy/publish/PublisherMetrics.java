package dev.tapwire.proxy.publish;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * The publisher's Micrometer meters (Prometheus names in brackets):
 *
 * <ul>
 *   <li>{@code tapwire.capture.events.published} [tapwire_capture_events_published_total]: events
 *       acknowledged by Kafka, sent directly or drained from the spool;
 *   <li>{@code tapwire.capture.publish.errors} [..._publish_errors_total]: producer errors (failed
 *       sends, serialization failures, failed drain batches);
 *   <li>{@code tapwire.capture.events.spooled}: events written to the spool;
 *   <li>{@code tapwire.capture.events.rejected}: events refused by {@code publish()} (queue full or
 *       publisher closed);
 *   <li>{@code tapwire.capture.events.dropped}: accepted events that could never be published
 *       (larger than 1 MiB serialized, unreadable spool record, or lost at close with a full
 *       spool);
 *   <li>{@code tapwire.capture.lag} [tapwire_capture_lag_milliseconds]: age of the oldest event not
 *       yet acknowledged by Kafka;
 *   <li>{@code tapwire.capture.spool.bytes} / {@code tapwire.capture.spool.records}: spool depth;
 *   <li>{@code tapwire.capture.queue.events}: events in the hand-over queue;
 *   <li>{@code tapwire.capture.mode} with tag {@code mode=direct|spooling}: 1 for the current mode;
 *   <li>{@code tapwire.capture.healthy}: 1 when capture can be guaranteed, else 0.
 * </ul>
 */
final class PublisherMetrics implements AutoCloseable {
  private final MeterRegistry registry;
  private final List<Meter> meters = new ArrayList<>();
  final Counter published;
  final Counter errors;
  final Counter spooled;
  final Counter rejected;
  final Counter dropped;

  PublisherMetrics(MeterRegistry registry, KafkaFlowPublisher publisher) {
    this.registry = registry;
    published =
        add(
            Counter.builder("tapwire.capture.events.published")
                .description("Flow events acknowledged by Kafka")
                .register(registry));
    errors =
        add(
            Counter.builder("tapwire.capture.publish.errors")
                .description("Producer errors: failed sends, serialization failures, failed drains")
                .register(registry));
    spooled =
        add(
            Counter.builder("tapwire.capture.events.spooled")
                .description("Flow events written to the durable spool")
                .register(registry));
    rejected =
        add(
            Counter.builder("tapwire.capture.events.rejected")
                .description("Flow events refused by publish() because capture was unavailable")
                .register(registry));
    dropped =
        add(
            Counter.builder("tapwire.capture.events.dropped")
                .description("Accepted flow events that could never be published")
                .register(registry));
    add(
        Gauge.builder("tapwire.capture.lag", publisher, p -> p.captureLagMillis())
            .description("Age of the oldest flow event not yet acknowledged by Kafka")
            .baseUnit("milliseconds")
            .register(registry));
    add(
        Gauge.builder("tapwire.capture.spool.bytes", publisher, p -> p.spoolDepthBytes())
            .description("Bytes in the spool not yet acknowledged by Kafka")
            .baseUnit("bytes")
            .register(registry));
    add(
        Gauge.builder("tapwire.capture.spool.records", publisher, p -> p.spoolDepthRecords())
            .description("Flow events in the spool not yet acknowledged by Kafka")
            .register(registry));
    add(
        Gauge.builder("tapwire.capture.queue.events", publisher, p -> p.queuedEvents())
            .description("Flow events in the hand-over queue")
            .register(registry));
    for (PublisherMode mode : PublisherMode.values()) {
      add(
          Gauge.builder("tapwire.capture.mode", publisher, p -> p.mode() == mode ? 1 : 0)
              .description("1 for the publisher's current mode")
              .tag("mode", mode.name().toLowerCase(java.util.Locale.ROOT))
              .register(registry));
    }
    add(
        Gauge.builder("tapwire.capture.healthy", publisher, p -> p.isHealthy() ? 1 : 0)
            .description("1 when capture can be guaranteed (Kafka reachable or spool has room)")
            .register(registry));
  }

  private <M extends Meter> M add(M meter) {
    meters.add(meter);
    return meter;
  }

  /** Removes this publisher's meters from the registry. */
  @Override
  public void close() {
    meters.forEach(registry::remove);
    meters.clear();
  }
}
