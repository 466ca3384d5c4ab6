package dev.tapwire.proxy.publish;

/** How {@link KafkaFlowPublisher} routes new events. */
public enum PublisherMode {
  /** Kafka keeps up: events go straight to the producer. */
  DIRECT,
  /**
   * Kafka is unavailable or slow, or the spool still holds events: every new event is appended to
   * the spool (keeping one global FIFO, hence per-flow order) and a drainer publishes from it.
   */
  SPOOLING
}
