package dev.tapwire.sink;

import dev.tapwire.avro.CallRecord;
import dev.tapwire.avro.DeadLetter;
import dev.tapwire.avro.FlowEvent;
import dev.tapwire.serde.AvroSerdes;
import dev.tapwire.sink.audit.AuditDatabase;
import dev.tapwire.sink.audit.AuditSink;
import dev.tapwire.sink.deadletter.KafkaDeadLetterPublisher;
import dev.tapwire.sink.parquet.CallsDataset;
import dev.tapwire.sink.parquet.Dataset;
import dev.tapwire.sink.parquet.FaultInjector;
import dev.tapwire.sink.parquet.FlowsDataset;
import dev.tapwire.sink.parquet.ParquetSink;
import dev.tapwire.sink.parquet.ParquetSinkSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink process: the Parquet sinks for the {@code calls} and {@code flows} datasets and the
 * audit-table sink, each on its own thread with its own consumer group ({@code
 * <sink.group.id>.calls-parquet}, {@code .flows-parquet}, {@code .audit}), all {@code
 * read_committed} without auto-commit.
 *
 * <p>{@link #start()} starts the threads; {@link #close()} asks each to publish its open files (or
 * finish its batch), commit and stop, and waits for them.
 */
public final class SinkService implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SinkService.class);
  private static final String PARQUET_APPLICATION = "tapwire-sink-parquet";
  private static final String AUDIT_APPLICATION = "tapwire-sink-audit";
  private static final long STOP_TIMEOUT_MS = 30_000;

  private final SinkConfig config;
  private final Clock clock;
  private final FaultInjector faults;
  private final List<Worker> workers = new ArrayList<>();
  // clients created by a start() in progress, closed if it fails
  private final List<AutoCloseable> created = new ArrayList<>();

  /** A service on the system UTC clock. */
  public SinkService(SinkConfig config) {
    this(config, Clock.systemUTC(), FaultInjector.NONE);
  }

  /**
   * A service with an injected clock (rotation, idle close) and fault injector (tests only).
   *
   * @param faults consulted by the Parquet sinks at each file commit stage
   */
  public SinkService(SinkConfig config, Clock clock, FaultInjector faults) {
    this.config = config;
    this.clock = clock;
    this.faults = faults;
  }

  /**
   * Starts the sinks. If a sink cannot be created, the clients created so far are closed and the
   * service can be started again.
   *
   * @throws IllegalStateException if already started
   * @throws IllegalArgumentException for an unsupported audit JDBC URL
   * @throws org.apache.kafka.common.KafkaException if a client cannot be created
   */
  public synchronized void start() {
    if (!workers.isEmpty()) {
      throw new IllegalStateException("already started");
    }
    try {
      ParquetSink<CallRecord> calls =
          parquetSink(
              new CallsDataset(),
              CallRecord.class,
              config.getString(SinkConfig.CALLS_TOPIC_CONFIG),
              config.getString(SinkConfig.CALLS_DLQ_TOPIC_CONFIG));
      workers.add(new Worker("calls-parquet", calls::run, calls::stop, calls::awaitStopped));
      if (config.getBoolean(SinkConfig.FLOWS_ARCHIVE_ENABLED_CONFIG)) {
        ParquetSink<FlowEvent> flows =
            parquetSink(
                new FlowsDataset(),
                FlowEvent.class,
                config.getString(SinkConfig.FLOWS_TOPIC_CONFIG),
                config.getString(SinkConfig.FLOWS_DLQ_TOPIC_CONFIG));
        workers.add(new Worker("flows-parquet", flows::run, flows::stop, flows::awaitStopped));
      }
      if (config.getBoolean(SinkConfig.AUDIT_ENABLED_CONFIG)) {
        audit = auditSink();
        workers.add(new Worker("audit", audit::run, audit::stop, audit::awaitStopped));
      }
    } catch (RuntimeException e) {
      for (int i = created.size() - 1; i >= 0; i--) {
        try {
          created.get(i).close();
        } catch (Exception closing) {
          e.addSuppressed(closing);
        }
      }
      created.clear();
      workers.clear();
      parquetSinks.clear();
      audit = null;
      throw e;
    }
    created.clear(); // the sinks own their clients now
    workers.forEach(Worker::start);
    log.info("Sink started: {} into {}", workers, config.parquetRoot());
  }

  private <T extends AutoCloseable> T track(T client) {
    created.add(client);
    return client;
  }

  private final Map<String, ParquetSink<?>> parquetSinks = new HashMap<>();
  private AuditSink audit;

  private AuditSink auditSink() {
    AuditDatabase database =
        new AuditDatabase(
            config.auditJdbcUrl(),
            config.getString(SinkConfig.AUDIT_JDBC_USER_CONFIG),
            config.auditJdbcPassword());
    Map<String, Object> consumerProps = consumerProperties("audit");
    consumerProps.put(
        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.getInt(SinkConfig.AUDIT_BATCH_MAX_CONFIG));
    return new AuditSink(
        database,
        config.getString(SinkConfig.CALLS_TOPIC_CONFIG),
        track(
            new KafkaConsumer<>(
                consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer())),
        AvroSerdes.specific(CallRecord.class, config.kafkaProperties(), false).deserializer(),
        track(deadLetters(config.getString(SinkConfig.CALLS_DLQ_TOPIC_CONFIG), AUDIT_APPLICATION)),
        config.pollTimeout(),
        Duration.ofSeconds(1));
  }

  /** The running audit sink, or null, for tests. */
  synchronized AuditSink runningAuditSink() {
    return audit;
  }

  private <V extends SpecificRecord> ParquetSink<V> parquetSink(
      Dataset<V> dataset, Class<V> type, String topic, String dlqTopic) {
    Map<String, Object> kafka = config.kafkaProperties();
    Deserializer<V> deserializer = AvroSerdes.specific(type, kafka, false).deserializer();
    ParquetSink<V> sink =
        new ParquetSink<>(
            dataset,
            new ParquetSinkSettings(
                config.parquetRoot(),
                topic,
                config.rotation(),
                config.parquetFiles(),
                config.pollTimeout()),
            track(
                new KafkaConsumer<>(
                    consumerProperties(dataset.name() + "-parquet"),
                    new ByteArrayDeserializer(),
                    new ByteArrayDeserializer())),
            deserializer,
            track(deadLetters(dlqTopic, PARQUET_APPLICATION)),
            clock,
            faults);
    parquetSinks.put(dataset.name(), sink);
    return sink;
  }

  KafkaDeadLetterPublisher deadLetters(String dlqTopic, String application) {
    Map<String, Object> props = config.kafkaProperties();
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    return new KafkaDeadLetterPublisher(
        new KafkaProducer<>(
            props,
            new ByteArraySerializer(),
            AvroSerdes.specific(DeadLetter.class, config.kafkaProperties(), false).serializer()),
        dlqTopic,
        application,
        clock);
  }

  /** Consumer settings: the {@code kafka.*} passthrough plus the sink's fixed guarantees. */
  Map<String, Object> consumerProperties(String groupSuffix) {
    Map<String, Object> props = config.kafkaProperties();
    props.put(
        ConsumerConfig.GROUP_ID_CONFIG,
        config.getString(SinkConfig.GROUP_ID_CONFIG) + "." + groupSuffix);
    props.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    return props;
  }

  /** The running Parquet sink of a dataset ({@code calls}, {@code flows}), for tests. */
  synchronized ParquetSink<?> parquetSink(String dataset) {
    return parquetSinks.get(dataset);
  }

  /** The error that stopped a sink thread, if any did. */
  public synchronized List<Throwable> failures() {
    List<Throwable> out = new ArrayList<>();
    parquetSinks.values().stream()
        .map(ParquetSink::failure)
        .filter(f -> f != null)
        .forEach(out::add);
    if (audit != null && audit.failure() != null) {
      out.add(audit.failure());
    }
    return out;
  }

  /** Publishes open files, commits and stops every sink thread; waits up to 30 s for each. */
  @Override
  public synchronized void close() {
    workers.forEach(Worker::stop);
    for (Worker w : workers) {
      try {
        if (!w.await(STOP_TIMEOUT_MS)) {
          log.warn("Sink thread {} did not stop within {} ms", w.name, STOP_TIMEOUT_MS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        log.warn("Interrupted while stopping sink thread {}", w.name);
        break;
      }
    }
    workers.clear();
    log.info("Sink stopped");
  }

  @FunctionalInterface
  interface Await {
    boolean await(long timeoutMs) throws InterruptedException;
  }

  private static final class Worker {
    final String name;
    final Thread thread;
    final Runnable stop;
    final Await await;

    Worker(String name, Runnable body, Runnable stop, Await await) {
      this.name = name;
      this.thread = new Thread(body, "tapwire-sink-" + name);
      this.stop = stop;
      this.await = await;
    }

    void start() {
      thread.start();
    }

    void stop() {
      stop.run();
    }

    boolean await(long timeoutMs) throws InterruptedException {
      return await.await(timeoutMs);
    }

    @Override
    public String toString() {
      return name;
    }
  }
}
