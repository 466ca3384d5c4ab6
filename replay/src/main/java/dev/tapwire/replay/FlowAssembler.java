package dev.tapwire.replay;

import dev.tapwire.avro.FlowEnd;
import dev.tapwire.avro.FlowError;
import dev.tapwire.avro.FlowEvent;
import dev.tapwire.avro.Tunnel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Gathers the events of flows read in source order (per-flow order holds because a flow's events
 * share a key and so a partition) and hands each flow over once it is complete.
 *
 * <p>A flow is opened by its sequence-0 event when {@code opens} accepts it; later events of flows
 * that were never opened (started before the range, filtered out, already replayed) are dropped, as
 * are repeated sequence numbers (re-published duplicates). A flow is complete at its {@link
 * FlowEnd}; a {@link Tunnel} or a {@link FlowError} at sequence 0 is a flow of one event (as the
 * stream processor treats them). {@link #finish()} hands over the flows still open, marked
 * incomplete, in the order they started.
 *
 * @param <E> what is kept per event (raw bytes for replay, the decoded event for observation)
 */
public final class FlowAssembler<E> {

  /** Receives assembled flows. */
  @FunctionalInterface
  public interface Handler<E> {
    /**
     * @param flowId the flow id text
     * @param events the flow's events in sequence order
     * @param complete false for a flow handed over by {@link #finish()}
     */
    void flow(String flowId, List<E> events, boolean complete);
  }

  /** How many finished flow ids are remembered to drop re-published duplicates. */
  public static final int FINISHED_REMEMBERED = 100_000;

  private final Predicate<FlowEvent> opens;
  private final Handler<E> handler;
  private final Map<String, Open<E>> open = new LinkedHashMap<>();
  private final Set<String> finished =
      Collections.newSetFromMap(
          new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
              return size() > FINISHED_REMEMBERED;
            }
          });

  /**
   * @param opens decides, for a sequence-0 event, whether its flow is gathered
   * @param handler receives each gathered flow exactly once
   */
  public FlowAssembler(Predicate<FlowEvent> opens, Handler<E> handler) {
    this.opens = opens;
    this.handler = handler;
  }

  /** Adds the next event read from the source; {@code element} is what is kept for it. */
  public void add(String flowId, FlowEvent event, E element) {
    long seq = event.getSeq();
    Object payload = event.getPayload();
    if (seq == 0) {
      if (open.containsKey(flowId) || finished.contains(flowId) || !opens.test(event)) {
        return;
      }
      if (payload instanceof Tunnel || payload instanceof FlowError) {
        finished.add(flowId);
        handler.flow(flowId, List.of(element), true);
        return;
      }
      Open<E> flow = new Open<>();
      flow.events.add(element);
      open.put(flowId, flow);
      return;
    }
    Open<E> flow = open.get(flowId);
    if (flow == null || seq <= flow.lastSeq) {
      return;
    }
    flow.lastSeq = seq;
    flow.events.add(element);
    if (payload instanceof FlowEnd) {
      open.remove(flowId);
      finished.add(flowId);
      handler.flow(flowId, flow.events, true);
    }
  }

  /** Number of flows still waiting for their last event. */
  public int openFlows() {
    return open.size();
  }

  /** Hands over every flow still open as incomplete, in start order, and forgets them. */
  public void finish() {
    List<Map.Entry<String, Open<E>>> rest = new ArrayList<>(open.entrySet());
    open.clear();
    for (Map.Entry<String, Open<E>> e : rest) {
      handler.flow(e.getKey(), e.getValue().events, false);
    }
  }

  private static final class Open<E> {
    final List<E> events = new ArrayList<>();
    long lastSeq;
  }
}
