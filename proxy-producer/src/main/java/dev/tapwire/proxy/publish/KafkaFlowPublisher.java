package dev.tapwire.proxy.publish;

import dev.tapwire.avro.BodyPart;
import dev.tapwire.avro.FlowEvent;
import dev.tapwire.avro.SseChunk;
import dev.tapwire.proxy.capture.CaptureUnavailableException;
import dev.tapwire.proxy.capture.FlowEventSink;
import dev.tapwire.proxy.spool.Spool;
import dev.tapwire.proxy.spool.SpoolFullException;
import dev.tapwire.proxy.spool.SpoolRecord;
import dev.tapwire.serde.AvroSerdes;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link FlowEventSink} that publishes raw flow events to Kafka (topic {@link
 * PublisherConfig#topic()}, key = flow id as UUID text, value = Avro in the Confluent wire format),
 * falling back to a durable on-disk {@link Spool} when Kafka is unavailable or slow.
 *
 * <p>Threads: {@link #publish} (Netty event loops) only offers the event to a bounded queue and
 * never blocks; {@link #handOff}, once per event-loop iteration, wakes the publisher thread if it
 * waits. That thread takes events from the queue and routes them by {@link PublisherMode}: in
 * {@code DIRECT} mode it sends them with the idempotent producer; it switches to {@code SPOOLING}
 * when a send fails, when an event has waited longer than {@code publisher.slow.after.ms} for its
 * acknowledgement, or when the queue grows beyond {@code publisher.queue.spool.threshold}. On that
 * switch every unacknowledged direct send is copied to the spool first and all newer events are
 * appended after it, so the spool is one FIFO and per-flow order holds. A drainer thread publishes
 * from the spool once the direct sends have settled; when the spool is empty the publisher thread
 * switches back to {@code DIRECT}.
 *
 * <p>Delivery: when Kafka is merely slow or unreachable, each event reaches Kafka once (a direct
 * send acknowledged after its spool copy was made marks the copy as delivered, also across a
 * restart). When a send fails outright, the producer is aborted so that no later send overtakes the
 * failed one ({@link ProducerHolder}); an aborted send the broker had already written then arrives
 * twice, in order. After a crash, events acknowledged by Kafka but not yet committed in the spool
 * are sent again. So delivery is at least once and per-flow order holds; the per-flow sequence
 * number lets the processor drop duplicates.
 *
 * <p>Limits: an event whose data exceeds 1 MiB minus 64 KiB is refused by {@link #publish} with
 * {@link IllegalArgumentException} (body parts are at most 256 KiB by contract); a serialized
 * record over {@link PublisherConfig#MAX_RECORD_BYTES} is logged and dropped.
 */
public final class KafkaFlowPublisher implements FlowEventSink {
  private static final Logger log = LoggerFactory.getLogger(KafkaFlowPublisher.class);
  private static final int MAX_EVENT_DATA_BYTES = PublisherConfig.MAX_RECORD_BYTES - 64 * 1024;
  private static final long POLL_MILLIS = 10;
  private static final long SPOOL_FULL_LOG_INTERVAL_MILLIS = 10_000;

  /** Estimated bytes of an event besides its body data (heads, ids, object overhead). */
  private static final int EVENT_OVERHEAD_BYTES = 512;

  /**
   * An event accepted by {@link #publish}, with when (clock milliseconds) and its size estimate.
   */
  private record Accepted(FlowEvent event, long acceptedMillis, int bytes) {}

  private final PublisherConfig config;
  private final String topic;
  private final ProducerHolder producers;
  private final Serializer<FlowEvent> serializer;
  private final Clock clock;
  private final Spool spool;
  private final FlowEventCodec codec;
  private final ArrayBlockingQueue<Accepted> queue;
  private final AtomicLong queuedBytes = new AtomicLong();

  /** Events accepted by {@link #publish} and not yet handed to the Kafka producer or the spool. */
  private final AtomicInteger unhanded = new AtomicInteger();

  private final ConcurrentLinkedDeque<Accepted> held = new ConcurrentLinkedDeque<>();
  private final DirectSends direct = new DirectSends();
  private final Set<Long> deliveredCopies = ConcurrentHashMap.newKeySet();
  private final PublisherMetrics metrics;
  private final SpoolDrainer drainer;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();

  private volatile PublisherMode mode;
  private volatile boolean stopping;
  private volatile long stopDeadlineMillis = Long.MAX_VALUE;
  private long lastSpoolFullLogMillis = Long.MIN_VALUE / 2;
  private volatile boolean spoolFull;
  private volatile String lastFailure = "none";
  private volatile Throwable fatal;

  /**
   * True while the publisher thread is inside {@code producer.send} (to tell synchronous failures).
   */
  private volatile boolean inSend;

  private Thread publisherThread;
  private final ConsumerWakeUp publisherWakeUp = new ConsumerWakeUp();
  private Thread drainerThread;

  /**
   * Creates a publisher with its own {@link KafkaProducer} and the registry-backed Avro serializer
   * ({@link AvroSerdes#specific(Class, java.util.Map, boolean)}), on the system UTC clock.
   *
   * @throws IOException if the spool cannot be opened
   * @throws org.apache.kafka.common.config.ConfigException if producer or serializer settings are
   *     invalid
   */
  public static KafkaFlowPublisher create(PublisherConfig config, MeterRegistry meters)
      throws IOException {
    Serializer<FlowEvent> serializer =
        AvroSerdes.specific(FlowEvent.class, config.serializerConfigs(), false).serializer();
    return new KafkaFlowPublisher(
        config,
        () -> new KafkaProducer<String, byte[]>(config.producerConfigs()),
        serializer,
        meters,
        Clock.systemUTC());
  }

  /**
   * Opens the spool (recovering it after a crash) and registers the metrics; {@link #start()}
   * starts the threads. Producers made by {@code producers} are owned (and closed) by the
   * publisher.
   *
   * @param producers makes idempotent producers with acks=all, String keys and byte-array values
   *     (see {@link PublisherConfig#producerConfigs()}); called once at start and again whenever
   *     the unacknowledged sends of the current one must be abandoned (see {@link ProducerHolder})
   * @param serializer the value serializer (Confluent wire format)
   * @throws IOException if the spool cannot be opened
   */
  public KafkaFlowPublisher(
      PublisherConfig config,
      Supplier<? extends Producer<String, byte[]>> producers,
      Serializer<FlowEvent> serializer,
      MeterRegistry meters,
      Clock clock)
      throws IOException {
    this.config = Objects.requireNonNull(config);
    this.topic = config.topic();
    this.producers = new ProducerHolder(producers);
    this.serializer = Objects.requireNonNull(serializer);
    this.clock = Objects.requireNonNull(clock);
    this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
    this.spool = Spool.open(config.spoolOptions(), clock);
    this.codec = new FlowEventCodec(config.spoolOptions().dir());
    this.mode = spool.isEmpty() ? PublisherMode.DIRECT : PublisherMode.SPOOLING;
    this.metrics = new PublisherMetrics(meters, this);
    this.drainer =
        new SpoolDrainer(
            spool,
            codec,
            this.producers,
            this,
            deliveredCopies,
            () -> mode == PublisherMode.SPOOLING && direct.isEmpty(),
            metrics,
            config.drainBatchRecords(),
            config.drainBatchBytes(),
            config.retryBackoffMillis());
    if (mode == PublisherMode.SPOOLING) {
      log.info(
          "Capture spool holds {} events from an earlier run; they are published before new ones",
          spool.depthRecords());
    }
  }

  /** Starts the publisher and drainer threads. */
  public void start() {
    if (closed.get() || !started.compareAndSet(false, true)) {
      throw new IllegalStateException("KafkaFlowPublisher already started or closed");
    }
    publisherThread = new Thread(this::runPublisher, "tapwire-flow-publisher");
    publisherThread.setDaemon(true);
    drainerThread = new Thread(drainer, "tapwire-spool-drainer");
    drainerThread.setDaemon(true);
    publisherThread.start();
    drainerThread.start();
  }

  /**
   * Accepts one event: offers it to the hand-over queue and returns at once.
   *
   * @throws CaptureUnavailableException if the queue is full (Kafka and the spool are both behind
   *     or the spool is full) or the publisher is closed
   * @throws IllegalArgumentException if the event's data exceeds 1 MiB minus 64 KiB
   */
  @Override
  public void publish(FlowEvent event) {
    Objects.requireNonNull(event, "event");
    if (spoolFull) {
      metrics.rejected.increment();
      throw new CaptureUnavailableException(
          "Capture spool is full (spool.max.bytes "
              + config.spoolOptions().maxBytes()
              + " bytes) and Kafka has not taken the spooled events",
          null);
    }
    if (closed.get() || fatal != null) {
      metrics.rejected.increment();
      throw new CaptureUnavailableException(
          fatal != null ? "Capture publisher failed: " + fatal : "Capture publisher is closed",
          fatal);
    }
    int dataBytes = dataBytes(event);
    if (dataBytes > MAX_EVENT_DATA_BYTES) {
      throw new IllegalArgumentException(
          "Flow event "
              + event.getFlowId()
              + "/"
              + event.getSeq()
              + " carries "
              + dataBytes
              + " bytes of data; split bodies into parts of at most 256 KiB");
    }
    int bytes = dataBytes + EVENT_OVERHEAD_BYTES;
    if (queuedBytes.addAndGet(bytes) > config.queueMaxBytes()) {
      queuedBytes.addAndGet(-bytes);
      metrics.rejected.increment();
      throw new CaptureUnavailableException(
          "Capture queue holds "
              + queuedBytes.get()
              + " bytes (publisher.queue.max.bytes "
              + config.queueMaxBytes()
              + "): "
              + (spoolFull ? "the capture spool is full" : "Kafka and the spool are behind"),
          null);
    }
    unhanded.incrementAndGet();
    if (!queue.offer(new Accepted(event, clock.millis(), bytes))) {
      unhanded.decrementAndGet();
      queuedBytes.addAndGet(-bytes);
      metrics.rejected.increment();
      throw new CaptureUnavailableException(
          "Capture queue is full ("
              + config.queueCapacity()
              + " events): "
              + (spoolFull ? "the capture spool is full" : "Kafka and the spool are behind"),
          null);
    }
  }

  /**
   * Wakes the publisher thread if it waits for events: called once per event-loop iteration that
   * published, so the event loop wakes it at most once per iteration, after that iteration's
   * traffic went out. Without it the publisher still polls every {@value #POLL_MILLIS} ms.
   */
  @Override
  public void handOff() {
    publisherWakeUp.signal();
  }

  /**
   * True when capture can be guaranteed: the publisher runs, its queue has room, and the spool has
   * room for at least one more maximal record (in {@code DIRECT} mode the spool is empty, so this
   * holds whenever Kafka keeps up).
   */
  @Override
  public boolean isHealthy() {
    return unhealthyReason() == null;
  }

  /** A snapshot of the publisher's state. */
  public PublisherStatus status() {
    String reason = unhealthyReason();
    return new PublisherStatus(
        reason == null,
        reason,
        mode,
        unhanded.get(),
        spoolDepthRecords(),
        spoolDepthBytes(),
        captureLagMillis());
  }

  private String unhealthyReason() {
    if (closed.get()) {
      return "capture publisher is closed";
    }
    if (fatal != null) {
      return "capture publisher failed: " + fatal;
    }
    long room = spool.remainingBytes();
    if (spoolFull || room < PublisherConfig.MAX_RECORD_BYTES + 64) {
      return "capture spool is full ("
          + (config.spoolOptions().maxBytes() - room)
          + " of "
          + config.spoolOptions().maxBytes()
          + " bytes, spool.max.bytes) and Kafka has not taken the spooled events (last error: "
          + lastFailure
          + ")";
    }
    if (queue.remainingCapacity() == 0
        || queuedBytes.get() + MAX_EVENT_DATA_BYTES > config.queueMaxBytes()) {
      return "capture queue is full ("
          + queue.size()
          + " events, "
          + queuedBytes.get()
          + " bytes; publisher.queue.capacity / publisher.queue.max.bytes)";
    }
    return null;
  }

  /** How new events are routed now. */
  public PublisherMode mode() {
    return mode;
  }

  /** Age in milliseconds of the oldest event not yet acknowledged by Kafka, 0 when none. */
  public long captureLagMillis() {
    long oldest = Long.MAX_VALUE;
    Accepted queued = queue.peek();
    if (queued != null) {
      oldest = queued.acceptedMillis();
    }
    Accepted heldFirst = held.peekFirst();
    if (heldFirst != null) {
      oldest = Math.min(oldest, heldFirst.acceptedMillis());
    }
    OptionalLong sent = direct.oldestEnqueuedMillis();
    if (sent.isPresent()) {
      oldest = Math.min(oldest, sent.getAsLong());
    }
    OptionalLong spooled = spool.oldestAppendTimeMillis();
    if (spooled.isPresent()) {
      oldest = Math.min(oldest, spooled.getAsLong());
    }
    return oldest == Long.MAX_VALUE ? 0 : Math.max(0, clock.millis() - oldest);
  }

  long spoolDepthBytes() {
    return spool.depthBytes();
  }

  long spoolDepthRecords() {
    return spool.depthRecords();
  }

  int queuedEvents() {
    return queue.size();
  }

  /**
   * Serializes an event into the record sent to Kafka.
   *
   * @throws OversizedEventException if key and value exceed {@link
   *     PublisherConfig#MAX_RECORD_BYTES}
   * @throws RuntimeException if the serializer fails (for example the registry is unreachable)
   */
  ProducerRecord<String, byte[]> toProducerRecord(FlowEvent event) {
    String key = event.getFlowId().toString();
    byte[] value = serializer.serialize(topic, event);
    int size = value.length + key.getBytes(StandardCharsets.UTF_8).length;
    if (size > PublisherConfig.MAX_RECORD_BYTES) {
      throw new OversizedEventException(
          "flow event "
              + key
              + "/"
              + event.getSeq()
              + " serializes to "
              + size
              + " bytes, more than Kafka's 1 MiB record limit");
    }
    return new ProducerRecord<>(topic, key, value);
  }

  private static int dataBytes(FlowEvent event) {
    Object payload = event.getPayload();
    if (payload instanceof BodyPart part) {
      return part.getData().remaining();
    }
    if (payload instanceof SseChunk chunk) {
      return chunk.getData().remaining() + 24 * chunk.getFrames().size();
    }
    return 0;
  }

  // ---- publisher thread ----

  private void runPublisher() {
    try {
      while (true) {
        maintain();
        if (!held.isEmpty()) {
          if (!appendHeld()) {
            if (stopping && clock.millis() >= stopDeadlineMillis) {
              return; // the spool stays full: close() reports what is lost
            }
            pause(config.retryBackoffMillis());
          }
          continue;
        }
        Accepted next = queue.poll();
        if (next == null) {
          if (stopping) {
            return;
          }
          publisherWakeUp.await(
              () -> !queue.isEmpty() || stopping, TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS));
          continue;
        }
        queuedBytes.addAndGet(-next.bytes());
        dispatch(next);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      fatal = e;
      log.error("Capture publisher thread failed; capture is unavailable", e);
    }
  }

  private void maintain() {
    try {
      spool.flushIfDue();
    } catch (UncheckedIOException e) {
      lastFailure = e.getMessage();
      log.error("Cannot fsync the capture spool", e);
    }
    if (mode == PublisherMode.DIRECT) {
      String why = reasonToSpool();
      if (why != null) {
        enterSpooling(why, direct.laterSendsMayOvertake());
      }
    } else if (held.isEmpty() && direct.isEmpty() && spool.isEmpty()) {
      mode = PublisherMode.DIRECT;
      log.info("Capture spool drained; publishing directly to Kafka again");
    }
  }

  private void dispatch(Accepted accepted) {
    if (mode == PublisherMode.DIRECT) {
      String why = reasonToSpool();
      if (why == null) {
        sendDirect(accepted);
        if (direct.failureSeen()) {
          enterSpooling("a send to Kafka failed: " + lastFailure, direct.laterSendsMayOvertake());
        }
        unhanded.decrementAndGet();
        return;
      }
      enterSpooling(why, direct.laterSendsMayOvertake());
    }
    held.addLast(accepted);
    appendHeld();
  }

  private String reasonToSpool() {
    if (direct.failureSeen()) {
      return "a send to Kafka failed: " + lastFailure;
    }
    OptionalLong oldest = direct.oldestPendingSentMillis();
    if (oldest.isPresent()) {
      long waited = clock.millis() - oldest.getAsLong();
      if (waited > config.slowAfterMillis()) {
        return "no acknowledgement from Kafka for " + waited + " ms";
      }
    }
    if (queue.size() > config.queueSpoolThreshold()) {
      return "the hand-over queue holds " + queue.size() + " events";
    }
    return null;
  }

  /**
   * Switches to spooling: copies every unacknowledged direct send to the spool, ahead of all newer
   * events. After a failed send the producer is aborted too (see {@link ProducerHolder}); when
   * Kafka is only slow or unreachable the pending sends are kept, and those Kafka acknowledges
   * later mark their spool copies as delivered (so a broker outage costs no duplicates).
   */
  private void enterSpooling(String why, boolean abortPending) {
    mode = PublisherMode.SPOOLING;
    log.warn(
        "Kafka is unavailable or slow ({}); capturing to the spool {} until it catches up",
        why,
        config.spoolOptions().dir());
    if (appendHeld() && abortPending && !direct.isEmpty()) {
      producers.abort(producers.current());
    }
  }

  private void sendDirect(Accepted accepted) {
    FlowEvent event = accepted.event();
    ProducerRecord<String, byte[]> record;
    try {
      record = toProducerRecord(event);
    } catch (OversizedEventException e) {
      metrics.dropped.increment();
      log.error("Dropping a flow event that can never be published: {}", e.getMessage());
      return;
    } catch (RuntimeException e) {
      metrics.errors.increment();
      lastFailure = e.toString();
      direct.failed(direct.add(event, accepted.acceptedMillis(), clock.millis()), false);
      return;
    }
    DirectSends.Send send = direct.add(event, accepted.acceptedMillis(), clock.millis());
    Producer<String, byte[]> producer = producers.current();
    Thread sender = Thread.currentThread();
    inSend = true;
    try {
      producer.send(
          record,
          (metadata, exception) -> {
            if (exception == null) {
              direct.acknowledged(send, deliveredCopies::add);
              metrics.published.increment();
            } else if (!direct.failed(send, !(inSend && Thread.currentThread() == sender))) {
              // Its spool copy takes over; no later send may overtake it (see ProducerHolder).
              if (!closed.get()) {
                producers.abort(producer);
              }
            } else {
              metrics.errors.increment();
              lastFailure = exception.toString();
              log.debug(
                  "Kafka did not take flow event {}/{}",
                  event.getFlowId(),
                  event.getSeq(),
                  exception);
            }
          });
    } catch (RuntimeException e) {
      metrics.errors.increment();
      lastFailure = e.toString();
      direct.failed(send, false);
    } finally {
      inSend = false;
    }
  }

  /**
   * Appends to the spool, in order: unacknowledged direct sends not yet copied, then held events.
   * Returns false if the spool is full or failing (the rest stays held).
   */
  private boolean appendHeld() {
    try {
      if (direct.hasUncopied()) {
        direct.copyToSpool(this::appendToSpool);
      }
      Accepted next;
      while ((next = held.peekFirst()) != null) {
        appendToSpool(next.event());
        held.pollFirst();
        unhanded.decrementAndGet();
      }
      spoolFull = false;
      return true;
    } catch (SpoolFullException e) {
      long now = clock.millis();
      if (!spoolFull && now - lastSpoolFullLogMillis >= SPOOL_FULL_LOG_INTERVAL_MILLIS) {
        lastSpoolFullLogMillis = now;
        log.error("{}; new events are refused until Kafka takes spooled ones", e.getMessage());
      }
      spoolFull = true;
      return false;
    } catch (UncheckedIOException e) {
      lastFailure = e.getMessage();
      log.error("Cannot write to the capture spool; retrying", e);
      return false;
    }
  }

  private long appendToSpool(FlowEvent event) {
    long index = spool.append(codec.encode(event));
    metrics.spooled.increment();
    return index;
  }

  private static void pause(long millis) throws InterruptedException {
    Thread.sleep(millis);
  }

  // ---- shutdown ----

  /**
   * Commits spooled copies at the head of the spool whose original direct send Kafka acknowledged
   * (known only in memory), so the next run does not publish them again.
   */
  private void commitDeliveredCopies() {
    try {
      spool.rewind();
      while (!deliveredCopies.isEmpty()) {
        List<SpoolRecord> next = spool.read(1, Long.MAX_VALUE);
        if (next.isEmpty() || !deliveredCopies.remove(next.get(0).index())) {
          break;
        }
        spool.commit(next.get(0).index() + 1);
      }
      spool.rewind();
    } catch (RuntimeException e) {
      log.warn("Cannot mark delivered spool records at shutdown; they will be published again", e);
    }
  }

  /**
   * Stops accepting events, hands every accepted event to Kafka or the spool, waits up to {@code
   * publisher.close.grace.ms} for Kafka to acknowledge direct sends and writes the rest to the
   * spool, then closes the producer and the spool. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    long deadline = clock.millis() + config.closeGraceMillis();
    stopDeadlineMillis = deadline;
    stopping = true;
    publisherWakeUp.wake(); // the publisher notices stopping now rather than at its next poll
    try {
      // Never interrupt the publisher thread: an interrupt closes the spool's FileChannel. It ends
      // once the queue is empty (each send blocks at most max.block.ms) or, with a full spool, at
      // the deadline.
      if (publisherThread == null) {
        runPublisher();
      } else {
        publisherThread.join();
      }
      int lost = queue.size() + held.size();
      if (lost > 0) {
        metrics.dropped.increment(lost);
        log.error(
            "{} captured events could be neither published nor spooled before shutdown: {}",
            lost,
            unhealthyReason());
      }
      while (!direct.isEmpty() && clock.millis() < deadline) {
        Thread.sleep(POLL_MILLIS);
      }
      if (direct.hasUncopied()) {
        log.warn(
            "Kafka did not acknowledge {} events within {} ms; writing them to the spool",
            direct.size(),
            config.closeGraceMillis());
        try {
          direct.copyToSpool(this::appendToSpool);
        } catch (RuntimeException e) {
          log.error("Cannot spool unacknowledged events at shutdown", e);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      drainer.stop();
      try {
        producers.close(Duration.ofMillis(Math.max(0, deadline - clock.millis())));
      } catch (RuntimeException e) {
        log.warn("Closing the Kafka producer failed", e);
      }
      if (drainerThread != null) {
        try {
          drainerThread.join(5000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      commitDeliveredCopies();
      spool.close();
      serializer.close();
      metrics.close();
      log.info(
          "Capture publisher closed; {} events ({} bytes) remain in the spool",
          spool.depthRecords(),
          spool.depthBytes());
    }
  }
}
