package dev.tapwire.proxy.publish;

import dev.tapwire.avro.FlowEvent;
import dev.tapwire.proxy.spool.Spool;
import dev.tapwire.proxy.spool.SpoolRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes spooled events to Kafka in spool order, on its own thread.
 *
 * <p>Works in batches: reads up to N records, sends them all, waits for every acknowledgement, then
 * commits the spool up to the last record of the unbroken acknowledged prefix. After a failure it
 * aborts the producer (so no later send of the batch overtakes the failed one, see {@link
 * ProducerHolder}), rewinds to the first unacknowledged record and retries after a back-off;
 * records of the batch that Kafka did acknowledge after the failed one are remembered and skipped
 * on the retry. (Across a crash between acknowledgement and commit a record can be sent again: at
 * least once; the idempotent producer and the per-flow sequence let the processor drop such
 * duplicates.)
 */
final class SpoolDrainer implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(SpoolDrainer.class);
  private static final long IDLE_MILLIS = 10;

  private final Spool spool;
  private final FlowEventCodec codec;
  private final ProducerHolder producers;
  private final KafkaFlowPublisher publisher;
  private final Set<Long> deliveredCopies;
  private final BooleanSupplier mayDrain;
  private final PublisherMetrics metrics;
  private final int batchRecords;
  private final long batchBytes;
  private final long backoffMillis;
  private volatile boolean stopped;

  SpoolDrainer(
      Spool spool,
      FlowEventCodec codec,
      ProducerHolder producers,
      KafkaFlowPublisher publisher,
      Set<Long> deliveredCopies,
      BooleanSupplier mayDrain,
      PublisherMetrics metrics,
      int batchRecords,
      long batchBytes,
      long backoffMillis) {
    this.spool = spool;
    this.codec = codec;
    this.producers = producers;
    this.publisher = publisher;
    this.deliveredCopies = deliveredCopies;
    this.mayDrain = mayDrain;
    this.metrics = metrics;
    this.batchRecords = batchRecords;
    this.batchBytes = batchBytes;
    this.backoffMillis = backoffMillis;
  }

  void stop() {
    stopped = true;
  }

  @Override
  public void run() {
    try {
      while (!stopped) {
        if (!drainOnce()) {
          Thread.sleep(backoffMillis);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      spool.rewind();
    }
  }

  /** One step: drain a batch, or idle; returns false to back off after a failure. */
  private boolean drainOnce() throws InterruptedException {
    try {
      List<SpoolRecord> batch =
          mayDrain.getAsBoolean() ? spool.read(batchRecords, batchBytes) : List.of();
      if (batch.isEmpty()) {
        Thread.sleep(IDLE_MILLIS);
        return true;
      }
      return drain(batch) || stopped;
    } catch (RuntimeException e) {
      // e.g. the spool cannot be read: keep the thread, retry after the back-off
      log.error("Draining the capture spool failed; retrying in {} ms", backoffMillis, e);
      spool.rewind();
      return false;
    }
  }

  /** Saves an unreadable record's bytes next to the spool, so nothing is silently lost. */
  private Path keepUnreadable(SpoolRecord record) {
    Path file = spool.options().dir().resolve("unreadable-" + record.index() + ".bin");
    try {
      Files.write(file, record.payload());
      return file;
    } catch (IOException e) {
      log.error("Cannot save unreadable spool record {} to {}", record.index(), file, e);
      return null;
    }
  }

  private static boolean failedAlready(Future<RecordMetadata> done) throws InterruptedException {
    try {
      done.get();
      return false;
    } catch (ExecutionException e) {
      return true;
    }
  }

  /** Publishes one batch; returns false after a failure (the spool is rewound). */
  private boolean drain(List<SpoolRecord> batch) throws InterruptedException {
    Producer<String, byte[]> producer = producers.current();
    List<Future<RecordMetadata>> futures = new ArrayList<>(batch.size());
    List<Boolean> skipped = new ArrayList<>(batch.size());
    RuntimeException sendFailure = null;
    for (SpoolRecord record : batch) {
      if (deliveredCopies.remove(record.index())) {
        futures.add(null);
        skipped.add(true);
        continue;
      }
      try {
        FlowEvent event = codec.decode(record.payload());
        ProducerRecord<String, byte[]> producerRecord = publisher.toProducerRecord(event);
        Future<RecordMetadata> future = producer.send(producerRecord);
        futures.add(future);
        skipped.add(false);
        if (future.isDone() && failedAlready(future)) {
          // The send itself failed (for example no metadata yet): send nothing after it.
          break;
        }
      } catch (IOException e) {
        Path kept = keepUnreadable(record);
        log.error(
            "Spool record {} is not a readable flow event ({}); its bytes are kept in {} and it is"
                + " skipped",
            record.index(),
            e.getMessage(),
            kept);
        metrics.dropped.increment();
        futures.add(null);
        skipped.add(false);
      } catch (OversizedEventException e) {
        log.error("Spool record {} dropped: {}", record.index(), e.getMessage());
        metrics.dropped.increment();
        futures.add(null);
        skipped.add(false);
      } catch (RuntimeException e) {
        sendFailure = e;
        break;
      }
    }
    long commitTo = -1;
    Throwable failure = null;
    for (int i = 0; i < futures.size(); i++) {
      long index = batch.get(i).index();
      Future<RecordMetadata> future = futures.get(i);
      boolean delivered = true;
      if (future != null) {
        try {
          future.get();
          metrics.published.increment();
        } catch (ExecutionException e) {
          delivered = false;
          if (failure == null) {
            failure = e.getCause();
            if (i < futures.size() - 1) {
              // Later sends of this batch must not overtake the failed one (see ProducerHolder).
              producers.abort(producer);
            }
          }
        }
      }
      if (delivered && failure == null) {
        commitTo = index + 1;
      } else if (delivered && (future != null || skipped.get(i))) {
        deliveredCopies.add(index);
      }
    }
    if (failure == null && sendFailure != null) {
      failure = sendFailure;
    }
    if (commitTo >= 0) {
      spool.commit(commitTo);
    }
    if (failure != null) {
      metrics.errors.increment();
      spool.rewind();
      if (!stopped) {
        log.warn(
            "Draining the capture spool failed ({}); retrying in {} ms",
            failure.toString(),
            backoffMillis);
      }
      return false;
    }
    return true;
  }
}
