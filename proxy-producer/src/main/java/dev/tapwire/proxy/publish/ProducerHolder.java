package dev.tapwire.proxy.publish;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The current Kafka producer, replaced when its unacknowledged sends must be abandoned.
 *
 * <p>Why: when a batch of the idempotent producer fails for good, the producer re-sends the later
 * batches of the same partition under new sequence numbers, so they can land before the failed
 * batch (KAFKA-5494; per-flow order would break when the failed event is re-sent from the spool).
 * Aborting the producer ({@code close(0)}) fails every send not yet written instead; those events
 * are in the spool and are re-sent in order. An aborted send may already have been written (its
 * acknowledgement lost): then it arrives twice, still in order, and the per-flow sequence lets the
 * processor drop the copy.
 */
final class ProducerHolder {
  private static final Logger log = LoggerFactory.getLogger(ProducerHolder.class);

  private final Supplier<? extends Producer<String, byte[]>> factory;
  private Producer<String, byte[]> current;
  private boolean closed;

  ProducerHolder(Supplier<? extends Producer<String, byte[]>> factory) {
    this.factory = Objects.requireNonNull(factory);
    this.current = Objects.requireNonNull(factory.get());
  }

  synchronized Producer<String, byte[]> current() {
    return current;
  }

  /**
   * Fails every unacknowledged send of {@code producer} and starts a new producer, unless {@code
   * producer} was already replaced.
   */
  void abort(Producer<String, byte[]> producer) {
    synchronized (this) {
      if (producer != current || closed) {
        return;
      }
      current = factory.get();
    }
    log.info(
        "Abandoning the Kafka producer's unacknowledged sends; they are re-sent from the spool");
    try {
      producer.close(Duration.ZERO);
    } catch (RuntimeException e) {
      log.warn("Aborting the Kafka producer failed", e);
    }
  }

  /** Closes the current producer, waiting up to {@code timeout} for outstanding sends. */
  void close(Duration timeout) {
    Producer<String, byte[]> last;
    synchronized (this) {
      closed = true;
      last = current;
    }
    last.close(timeout);
  }
}
