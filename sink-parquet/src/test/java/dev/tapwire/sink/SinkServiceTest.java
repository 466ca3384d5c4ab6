package dev.tapwire.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tapwire.avro.CallRecord;
import dev.tapwire.avro.DeadLetter;
import dev.tapwire.avro.FlowEvent;
import dev.tapwire.serde.AvroSerdes;
import dev.tapwire.sink.parquet.CommitStage;
import dev.tapwire.sink.parquet.DataFileName;
import dev.tapwire.sink.parquet.FaultInjector;
import dev.tapwire.testkit.KafkaEnvironment;
import dev.tapwire.testkit.KafkaExtension;
import dev.tapwire.testkit.MutableClock;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The sink service on the real embedded broker and schema registry. */
@ExtendWith(KafkaExtension.class)
class SinkServiceTest {

  static final Instant T0 = Instant.parse("2026-11-21T08:30:00Z");

  @TempDir Path dir;

  final KafkaEnvironment env;
  final String calls;
  final String callsDlq;
  final String flows;
  final String group;

  SinkServiceTest(KafkaEnvironment env) {
    this.env = env;
    this.calls = env.uniqueName("calls");
    this.callsDlq = env.uniqueName("calls-dlq");
    this.flows = env.uniqueName("flows");
    this.group = env.uniqueName("sink");
    env.createTopic(calls, 2);
    env.createTopic(callsDlq, 1);
    env.createTopic(flows, 2);
  }

  Map<String, Object> config(boolean audit, boolean archive) {
    Map<String, Object> c = new HashMap<>();
    c.put(SinkConfig.DATA_DIR_CONFIG, dir.toString());
    c.put(SinkConfig.CALLS_TOPIC_CONFIG, calls);
    c.put(SinkConfig.CALLS_DLQ_TOPIC_CONFIG, callsDlq);
    c.put(SinkConfig.FLOWS_TOPIC_CONFIG, flows);
    c.put(SinkConfig.FLOWS_ARCHIVE_ENABLED_CONFIG, archive);
    c.put(SinkConfig.AUDIT_ENABLED_CONFIG, audit);
    c.put(SinkConfig.GROUP_ID_CONFIG, group);
    c.put(SinkConfig.IDLE_CLOSE_MS_CONFIG, 300L);
    c.put(SinkConfig.POLL_TIMEOUT_MS_CONFIG, 100L);
    c.put(SinkConfig.ROTATE_RECORDS_CONFIG, 50L);
    c.put("kafka.bootstrap.servers", env.bootstrapServers());
    c.put("kafka.schema.registry.url", env.schemaRegistryUrl());
    return c;
  }

  List<CallRecord> produceCalls(int from, int to) {
    List<CallRecord> sent = new ArrayList<>();
    try (KafkaProducer<String, CallRecord> producer =
        new KafkaProducer<>(
            env.producerProperties(),
            new StringSerializer(),
            AvroSerdes.specific(CallRecord.class, env.schemaRegistryClient(), false)
                .serializer())) {
      for (int i = from; i < to; i++) {
        CallRecord call = TestCalls.call(i, T0.plusSeconds(i));
        producer.send(new ProducerRecord<>(calls, call.getCallId().toString(), call));
        sent.add(call);
      }
      producer.flush();
    }
    return sent;
  }

  long parquetRows(String dataset) throws Exception {
    if (!Files.isDirectory(dir.resolve("parquet").resolve(dataset))) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(dir.resolve("parquet").resolve(dataset))) {
      if (files.noneMatch(p -> p.toString().endsWith(".parquet"))) {
        return 0;
      }
    }
    return (Long)
        DuckDb.query("SELECT count(*) FROM " + DuckDb.scan(dir.resolve("parquet").resolve(dataset)))
            .get(0)
            .get(0);
  }

  void assertCallsDatasetHoldsExactly(List<CallRecord> sent) throws Exception {
    List<Object> row =
        DuckDb.query(
                "SELECT count(*), count(DISTINCT call_id), sum(usage.input_tokens),"
                    + " sum(cost.total_usd) FROM "
                    + DuckDb.scan(dir.resolve("parquet/calls")))
            .get(0);
    assertThat(row.get(0)).isEqualTo((long) sent.size());
    assertThat(row.get(1)).isEqualTo((long) sent.size());
    assertThat(((Number) row.get(2)).longValue())
        .isEqualTo(sent.stream().mapToLong(c -> c.getUsage().getInputTokens()).sum());
    assertThat((BigDecimal) row.get(3))
        .isEqualByComparingTo(
            sent.stream()
                .map(c -> c.getCost().getTotalUsd())
                .reduce(BigDecimal.ZERO, BigDecimal::add));
  }

  /**
   * Runs a sink with {@code settings} until the calls dataset and the audit table each hold {@code
   * rows} rows (at most 60 s), then closes it.
   */
  void runSinkUntilRows(Map<String, Object> settings, long rows) throws Exception {
    try (SinkService service = new SinkService(new SinkConfig(settings))) {
      service.start();
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                assertThat(parquetRows("calls")).isEqualTo(rows);
                assertThat(auditRows()).isEqualTo(rows);
              });
    }
  }

  long auditRows() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("audit.db"));
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT count(*), count(DISTINCT call_id) FROM audit_calls")) {
      rs.next();
      assertThat(rs.getLong(2)).isEqualTo(rs.getLong(1));
      return rs.getLong(1);
    } catch (java.sql.SQLException e) {
      return -1; // table not created yet
    }
  }

  @Test
  void shouldWriteEveryCallOnceToParquetAndAuditAndArchiveRawFlows() throws Exception {
    List<CallRecord> sent = produceCalls(0, 240);
    List<FlowEvent> events = new ArrayList<>();
    try (KafkaProducer<String, FlowEvent> producer =
        new KafkaProducer<>(
            env.producerProperties(),
            new StringSerializer(),
            AvroSerdes.specific(FlowEvent.class, env.schemaRegistryClient(), false).serializer())) {
      for (int i = 0; i < 5; i++) {
        UUID flowId = UUID.randomUUID();
        for (FlowEvent e : TestFlows.streamedCall(flowId, T0.plusSeconds(i))) {
          producer.send(new ProducerRecord<>(flows, flowId.toString(), e));
          events.add(e);
        }
      }
      producer.flush();
    }
    try (SinkService service = new SinkService(new SinkConfig(config(true, true)))) {
      service.start();
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                assertThat(service.failures()).isEmpty();
                assertThat(parquetRows("calls")).isEqualTo(240);
                assertThat(parquetRows("flows")).isEqualTo(events.size());
                assertThat(auditRows()).isEqualTo(240);
              });
    }
    assertCallsDatasetHoldsExactly(sent);
    // a second run on the same directory and group finds nothing new and doubles nothing
    produceCalls(240, 250);
    runSinkUntilRows(config(true, true), 250);
    assertThat(parquetRows("flows")).isEqualTo(events.size());
  }

  @Test
  void shouldDoubleNothingWhenANewConsumerGroupRereadsTheWholeTopic() throws Exception {
    String pg = dev.tapwire.sink.audit.TestPostgres.get().newDatabase();
    List<CallRecord> sent = produceCalls(0, 120);
    Map<String, Object> first = config(true, false);
    first.put(SinkConfig.AUDIT_JDBC_URL_CONFIG, pg);
    first.put(SinkConfig.AUDIT_JDBC_USER_CONFIG, "postgres");
    try (SinkService service = new SinkService(new SinkConfig(first))) {
      service.start();
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                assertThat(parquetRows("calls")).isEqualTo(120);
                assertThat(postgresRows(pg)).containsExactly(120L, 120L);
              });
    }
    // a new group id redelivers every record: Parquet resumes from the file names and the audit
    // upsert absorbs the redelivery
    Map<String, Object> second = new HashMap<>(first);
    second.put(SinkConfig.GROUP_ID_CONFIG, env.uniqueName("other-sink"));
    try (SinkService service = new SinkService(new SinkConfig(second))) {
      service.start();
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> assertThat(service.runningAuditSink().upserted()).isGreaterThanOrEqualTo(120));
      assertThat(service.failures()).isEmpty();
    }
    assertThat(postgresRows(pg)).containsExactly(120L, 120L);
    assertCallsDatasetHoldsExactly(sent);
  }

  static List<Long> postgresRows(String url) throws Exception {
    try (Connection c = DriverManager.getConnection(url, "postgres", null);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT count(*), count(DISTINCT call_id) FROM audit_calls")) {
      rs.next();
      return List.of(rs.getLong(1), rs.getLong(2));
    } catch (java.sql.SQLException e) {
      return List.of(-1L, -1L); // table not created yet
    }
  }

  @Test
  void shouldPublishAnIdleFileOnlyWhenTheInjectedClockPassesTheIdleInterval() throws Exception {
    List<CallRecord> sent = produceCalls(0, 30); // fewer than sink.rotate.records (50)
    MutableClock clock = new MutableClock(Instant.parse("2026-11-21T12:00:00Z"));
    Map<String, Object> c = config(false, false);
    c.put(SinkConfig.IDLE_CLOSE_MS_CONFIG, 5_000L);
    try (SinkService service = new SinkService(new SinkConfig(c), clock, FaultInjector.NONE)) {
      service.start();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> service.parquetSink("calls").rowsWritten() == 30);
      // real time passes, fake time does not: the files stay open
      Thread.sleep(1_000);
      assertThat(parquetRows("calls")).isZero();
      clock.advance(Duration.ofMillis(4_999));
      Thread.sleep(500);
      assertThat(parquetRows("calls")).isZero();
      clock.advance(Duration.ofMillis(1));
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(parquetRows("calls")).isEqualTo(30));
    }
    assertCallsDatasetHoldsExactly(sent);
  }

  @Test
  void shouldSkipRecordsOfAbortedTransactions() throws Exception {
    Map<String, Object> props = env.producerProperties();
    props.put("transactional.id", env.uniqueName("tx"));
    List<CallRecord> committed = new ArrayList<>();
    try (KafkaProducer<String, CallRecord> producer =
        new KafkaProducer<>(
            props,
            new StringSerializer(),
            AvroSerdes.specific(CallRecord.class, env.schemaRegistryClient(), false)
                .serializer())) {
      producer.initTransactions();
      producer.beginTransaction();
      for (int i = 0; i < 5; i++) {
        CallRecord call = TestCalls.call(i, T0.plusSeconds(i));
        producer.send(new ProducerRecord<>(calls, call.getCallId().toString(), call));
      }
      producer.flush();
      producer.abortTransaction();
      producer.beginTransaction();
      for (int i = 5; i < 10; i++) {
        CallRecord call = TestCalls.call(i, T0.plusSeconds(i));
        producer.send(new ProducerRecord<>(calls, call.getCallId().toString(), call));
        committed.add(call);
      }
      producer.commitTransaction();
    }
    runSinkUntilRows(config(true, false), 5);
    assertCallsDatasetHoldsExactly(committed);
  }

  @Test
  void shouldRetryAuditBatchesWhileTheDatabaseFailsAndLoseNothing() throws Exception {
    produceCalls(0, 10);
    try (SinkService service = new SinkService(new SinkConfig(config(true, false)))) {
      service.start();
      await().atMost(Duration.ofSeconds(60)).until(() -> auditRows() == 10);
      String db = "jdbc:sqlite:" + dir.resolve("audit.db");
      try (Connection c = DriverManager.getConnection(db);
          Statement s = c.createStatement()) {
        s.execute("ALTER TABLE audit_calls RENAME TO audit_calls_away");
      }
      produceCalls(10, 30);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> service.parquetSink("calls").rowsWritten() == 30);
      Thread.sleep(2_000); // the audit sink keeps failing and retrying meanwhile
      assertThat(service.failures()).isEmpty();
      try (Connection c = DriverManager.getConnection(db);
          Statement s = c.createStatement()) {
        s.execute("ALTER TABLE audit_calls_away RENAME TO audit_calls");
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> auditRows() == 30);
      assertThat(service.failures()).isEmpty();
    }
  }

  @Test
  void shouldPublishOpenFilesAndCommitWhenClosed() throws Exception {
    List<CallRecord> sent = produceCalls(0, 10);
    Map<String, Object> c = config(false, false);
    c.put(SinkConfig.IDLE_CLOSE_MS_CONFIG, 3_600_000L);
    c.put(SinkConfig.ROTATE_MAX_OPEN_MS_CONFIG, 3_600_000L);
    SinkService service = new SinkService(new SinkConfig(c));
    service.start();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> service.parquetSink("calls").rowsWritten() == 10);
    assertThat(parquetRows("calls")).isZero();
    service.close();
    assertCallsDatasetHoldsExactly(sent);
    Map<TopicPartition, OffsetAndMetadata> committed =
        env.admin()
            .listConsumerGroupOffsets(group + ".calls-parquet")
            .partitionsToOffsetAndMetadata()
            .get();
    assertThat(committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum())
        .isEqualTo(10);
  }

  @Test
  void shouldRefuseAnUnsupportedAuditDatabaseAndStartAfterwardsWithAValidOne() throws Exception {
    List<CallRecord> sent = produceCalls(0, 5);
    Map<String, Object> bad = config(true, false);
    bad.put(SinkConfig.AUDIT_JDBC_URL_CONFIG, "jdbc:mysql://127.0.0.1/audit");
    try (SinkService service = new SinkService(new SinkConfig(bad))) {
      for (int attempt = 0; attempt < 2; attempt++) { // a failed start leaves nothing started
        org.assertj.core.api.Assertions.assertThatThrownBy(service::start)
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("jdbc:mysql://127.0.0.1/audit");
      }
    }
    runSinkUntilRows(config(true, false), 5);
    assertCallsDatasetHoldsExactly(sent);
  }

  /** Throws once, the first time the commit reaches {@code stage}. */
  static final class CrashOnce implements FaultInjector {
    final CommitStage stage;
    final AtomicBoolean crashed = new AtomicBoolean();

    CrashOnce(CommitStage stage) {
      this.stage = stage;
    }

    @Override
    public void reached(CommitStage reached) {
      if (reached == stage && crashed.compareAndSet(false, true)) {
        throw new IllegalStateException("simulated crash at " + stage);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(CommitStage.class)
  void shouldLeaveNoDuplicateAndNoGapAfterACrashBeforeTheOffsetCommit(CommitStage stage)
      throws Exception {
    List<CallRecord> sent = new ArrayList<>(produceCalls(0, 300));
    CrashOnce crash = new CrashOnce(stage);
    try (SinkService crashing =
        new SinkService(new SinkConfig(config(false, false)), Clock.systemUTC(), crash)) {
      crashing.start();
      await().atMost(Duration.ofSeconds(60)).until(() -> !crashing.failures().isEmpty());
    }
    Path callsDir = dir.resolve("parquet/calls");
    List<Path> files;
    try (Stream<Path> s = Files.walk(callsDir)) {
      files = s.filter(Files::isRegularFile).toList();
    }
    Map<TopicPartition, OffsetAndMetadata> committed =
        env.admin()
            .listConsumerGroupOffsets(group + ".calls-parquet")
            .partitionsToOffsetAndMetadata()
            .get();
    if (stage == CommitStage.FILE_WRITTEN) {
      // the written but unrenamed file is left behind, as after a real crash
      assertThat(files).anyMatch(p -> p.toString().endsWith(".tmp"));
    } else {
      // a renamed file holds records whose offsets were never committed
      assertThat(files)
          .map(p -> DataFileName.parse(p.getFileName().toString(), ".parquet"))
          .anyMatch(
              f -> {
                if (f.isEmpty()) {
                  return false;
                }
                OffsetAndMetadata c = committed.get(new TopicPartition(calls, f.get().partition()));
                return c == null || c.offset() <= f.get().endOffset();
              });
    }

    sent.addAll(produceCalls(300, 400));
    try (SinkService restarted = new SinkService(new SinkConfig(config(false, false)))) {
      restarted.start();
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                assertThat(restarted.failures()).isEmpty();
                assertThat(parquetRows("calls")).isEqualTo(400);
              });
    }
    assertCallsDatasetHoldsExactly(sent);
    try (Stream<Path> s = Files.walk(callsDir)) {
      assertThat(s.filter(p -> p.toString().endsWith(".tmp")).toList()).isEmpty();
    }
  }

  @Test
  void shouldDeadLetterUndecodableRecordsAndKeepWriting() throws Exception {
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            env.producerProperties(), new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(calls, 0, "k".getBytes(), "not avro".getBytes())).get();
      producer
          .send(
              new ProducerRecord<>(calls, 0, "k2".getBytes(), new byte[] {0, 0, 0, 0x7f, 0x7f, 1}))
          .get();
    }
    List<CallRecord> sent = produceCalls(0, 20);
    try (SinkService service = new SinkService(new SinkConfig(config(false, false)))) {
      service.start();
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(() -> assertThat(parquetRows("calls")).isEqualTo(20));
      assertThat(service.failures()).isEmpty();
    }
    assertCallsDatasetHoldsExactly(sent);

    Map<String, Object> props = env.consumerProperties(env.uniqueName("dlq-reader"));
    List<DeadLetter> letters = new ArrayList<>();
    try (KafkaConsumer<String, DeadLetter> consumer =
        new KafkaConsumer<>(
            props,
            new StringDeserializer(),
            AvroSerdes.specific(DeadLetter.class, env.schemaRegistryClient(), false)
                .deserializer())) {
      consumer.subscribe(List.of(callsDlq));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                for (ConsumerRecord<String, DeadLetter> r : consumer.poll(Duration.ofMillis(200))) {
                  letters.add(r.value());
                }
                return letters.size() >= 2;
              });
    }
    assertThat(letters)
        .extracting(
            DeadLetter::getSourceTopic,
            DeadLetter::getSourcePartition,
            DeadLetter::getSourceOffset,
            DeadLetter::getStage,
            DeadLetter::getApplication)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                calls, 0, 0L, "deserialize", "tapwire-sink-parquet"),
            org.assertj.core.groups.Tuple.tuple(
                calls, 0, 1L, "deserialize", "tapwire-sink-parquet"));
    assertThat(new String(letters.get(0).getValue().array())).isEqualTo("not avro");
    assertThat(letters.get(0).getReason()).isNotBlank();
  }

  @Test
  void shouldKeepWritingWhenCallRecordsGainANewOptionalField() throws Exception {
    Schema current = CallRecord.getClassSchema();
    String json = current.toString();
    String evolvedJson =
        json.substring(0, json.lastIndexOf(']'))
            + ",{\"name\":\"new_field\",\"type\":[\"null\",\"string\"],\"default\":null}]}";
    Schema evolved = new Schema.Parser().parse(evolvedJson);
    List<CallRecord> sent = new ArrayList<>(produceCalls(0, 5));
    try (KafkaProducer<String, GenericRecord> producer =
        new KafkaProducer<>(
            env.producerProperties(),
            new StringSerializer(),
            AvroSerdes.generic(env.schemaRegistryClient(), false).serializer())) {
      for (int i = 5; i < 10; i++) {
        CallRecord call = TestCalls.call(i, T0.plusSeconds(i));
        GenericRecord record = asEvolved(call, current, evolved);
        record.put("new_field", "value " + i);
        producer.send(new ProducerRecord<>(calls, call.getCallId().toString(), record));
        sent.add(call);
      }
      producer.flush();
    }
    try (SinkService service = new SinkService(new SinkConfig(config(true, false)))) {
      service.start();
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                assertThat(service.failures()).isEmpty();
                assertThat(parquetRows("calls")).isEqualTo(10);
                assertThat(auditRows()).isEqualTo(10);
              });
    }
    assertCallsDatasetHoldsExactly(sent);
  }

  static GenericRecord asEvolved(CallRecord call, Schema writer, Schema evolved) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new SpecificDatumWriter<CallRecord>(writer).write(call, encoder);
    encoder.flush();
    return new GenericDatumReader<GenericRecord>(writer, evolved)
        .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
  }
}
