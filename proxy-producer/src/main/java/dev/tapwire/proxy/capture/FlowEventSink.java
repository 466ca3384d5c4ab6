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
   * Tells whether capture can be guaranteed right now (the broker is reachable, or the spool has
   * room). Strict mode ({@code block}) refuses new requests with 503 while this is false.
   */
  boolean isHealthy();

  /** Publishes or spools everything accepted so far, then releases resources. */
  @Override
  void close();
}
