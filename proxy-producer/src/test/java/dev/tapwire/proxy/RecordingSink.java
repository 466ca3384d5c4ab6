package dev.tapwire.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.avro.FlowEnd;
import dev.tapwire.avro.FlowError;
import dev.tapwire.avro.FlowEvent;
import dev.tapwire.avro.Tunnel;
import dev.tapwire.proxy.capture.CaptureUnavailableException;
import dev.tapwire.proxy.capture.FlowEventSink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/**
 * A {@link FlowEventSink} that keeps every event in memory, serialised with the real Avro encoder
 * (so tests search the exact bytes that would be published). Tests take the flows they expect and
 * then assert that nothing unexpected is left over.
 */
public final class RecordingSink implements FlowEventSink {
  private final List<FlowEvent> events = new CopyOnWriteArrayList<>();
  private final List<byte[]> serialized = new CopyOnWriteArrayList<>();
  private final AtomicBoolean healthy = new AtomicBoolean(true);
  private final AtomicBoolean failing = new AtomicBoolean(false);

  @Override
  public void publish(FlowEvent event) {
    if (failing.get()) {
      throw new CaptureUnavailableException("test sink is failing", null);
    }
    try {
      serialized.add(FlowEvent.getEncoder().encode(event).array());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    events.add(event);
  }

  @Override
  public boolean isHealthy() {
    return healthy.get();
  }

  public void setHealthy(boolean value) {
    healthy.set(value);
  }

  public void setFailing(boolean value) {
    failing.set(value);
  }

  @Override
  public void close() {}

  /** Every event in arrival order. */
  public List<FlowEvent> events() {
    return List.copyOf(events);
  }

  /** Every event's Avro bytes. */
  public List<byte[]> serializedEvents() {
    return List.copyOf(serialized);
  }

  /** Events grouped by flow id, each list in arrival order. */
  public Map<UUID, List<FlowEvent>> flows() {
    Map<UUID, List<FlowEvent>> out = new LinkedHashMap<>();
    for (FlowEvent e : events) {
      out.computeIfAbsent(e.getFlowId(), k -> new ArrayList<>()).add(e);
    }
    return out;
  }

  /** Waits until a flow whose last event matches {@code end} exists, and returns that flow. */
  public List<FlowEvent> awaitFlow(Predicate<List<FlowEvent>> matcher) {
    List<List<FlowEvent>> found = new ArrayList<>();
    Awaitility.await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () -> {
              for (List<FlowEvent> flow : flows().values()) {
                if (matcher.test(flow)) {
                  found.add(flow);
                  return true;
                }
              }
              return false;
            });
    return found.get(0);
  }

  /** Waits for a completed HTTP flow (ending in FlowEnd) whose request path starts with prefix. */
  public List<FlowEvent> awaitEndedFlow(String pathPrefix) {
    return awaitFlow(
        flow ->
            flow.get(0).getPayload() instanceof dev.tapwire.avro.RequestHead head
                && head.getPath().startsWith(pathPrefix)
                && flow.get(flow.size() - 1).getPayload() instanceof FlowEnd);
  }

  /** Waits for a one-event error flow of the given kind. */
  public FlowError awaitError(dev.tapwire.avro.ErrorKind kind) {
    List<FlowEvent> flow =
        awaitFlow(
            f ->
                f.stream()
                    .anyMatch(
                        e -> e.getPayload() instanceof FlowError err && err.getKind() == kind));
    return (FlowError)
        flow.stream()
            .filter(e -> e.getPayload() instanceof FlowError)
            .findFirst()
            .orElseThrow()
            .getPayload();
  }

  /** Waits for a tunnel event to the given port. */
  public Tunnel awaitTunnel(int port) {
    List<FlowEvent> flow =
        awaitFlow(f -> f.get(0).getPayload() instanceof Tunnel t && t.getPort() == port);
    assertThat(flow).hasSize(1);
    return (Tunnel) flow.get(0).getPayload();
  }
}
