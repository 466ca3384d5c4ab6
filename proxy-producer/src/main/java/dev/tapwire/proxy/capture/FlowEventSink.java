package dev.tapwire.proxy.capture;

import dev.tapwire.avro.FlowEvent;

/**
 * Where the proxy hands captured flow events. The proxy's data path depends only on this interface,
 * never on Kafka classes; the Kafka publisher (with its durable spool) implements it.
 *
 * <p>Events of one flow are handed over in sequence order from one thread at a time; an
 * implementation must keep that order per flow id.
 */
public interface FlowEventSink extends AutoCloseable {

  /**
   * Accepts one event for publishing. Never blocks on I/O: it is called on Netty event loops.
   *
   * @throws CaptureUnavailableException if the event can be neither published nor spooled (for
   *     example the spool is full); the caller decides, by its capture-failure policy, whether the
   *     flow goes on uncaptured or is refused
   */
  void publish(FlowEvent event);

  /**
   * Ends a burst of {@link #publish} calls, made by the capture at the end of each event-loop
   * iteration that published. A sink that hands events to its own thread wakes that thread here
   * instead of on every event: one wake-up (and, on a busy core, one context switch) per burst
   * rather than per event, and none before the loop has flushed the traffic of that iteration.
   * Events published without a following hand-off must still be delivered, at the latest after a
   * short poll interval. Never blocks.
   */
  default void handOff() {}

  /**
   * Tells whether capture can be guaranteed right now (the broker is reachable, or the spool has
   * room). Strict mode ({@code block}) refuses new requests with 503 while this is false.
   */
  boolean isHealthy();

  /** Publishes or spools everything accepted so far, then releases resources. */
  @Override
  void close();
}
