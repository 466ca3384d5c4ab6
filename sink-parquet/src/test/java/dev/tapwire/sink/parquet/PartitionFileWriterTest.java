package dev.tapwire.sink.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.avro.CallRecord;
import dev.tapwire.sink.DuckDb;
import dev.tapwire.sink.TestCalls;
import dev.tapwire.testkit.MutableClock;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartitionFileWriterTest {

  static final Instant T0 = Instant.parse("2026-11-21T09:10:00Z");
  static final TopicPartition TP = new TopicPartition("tapwire.calls", 3);

  @TempDir Path root;
  final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T12:00:00Z"));
  final CallsDataset dataset = new CallsDataset();

  PartitionFileWriter<CallRecord> writer(RotationPolicy rotation) {
    return new PartitionFileWriter<>(
        TP,
        new HourlyPartitioner<>(dataset.timestamps()),
        dataset.timestamps(),
        ParquetRecordWriterProvider.forDataset(dataset, ParquetFileSettings.DEFAULT),
        new DatasetDirectory(root, "calls", ".parquet"),
        rotation,
        clock,
        FaultInjector.NONE);
  }

  static RotationPolicy policy(long maxRecords) {
    return new RotationPolicy(
        maxRecords, Duration.ofMinutes(10), Duration.ofSeconds(5), Duration.ofMinutes(5));
  }

  List<String> files() throws IOException {
    try (Stream<Path> s = Files.walk(root.resolve("calls"))) {
      return s.filter(Files::isRegularFile)
          .map(p -> root.resolve("calls").relativize(p).toString())
          .sorted()
          .toList();
    }
  }

  @Test
  void shouldWriteHivePartitionedFilesWhoseSumsDuckDbReadsBack() throws Exception {
    PartitionFileWriter<CallRecord> w = writer(policy(1_000));
    List<CallRecord> calls = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      calls.add(TestCalls.call(i, T0.plusSeconds(i)));
    }
    long offset = 100;
    for (CallRecord c : calls) {
      w.write(offset++, c, dataset.toRow(c));
    }
    w.publish();

    assertThat(files()).containsExactly("dt=2026-11-21/hour=09/tapwire.calls+3+100+399.parquet");
    long input = calls.stream().mapToLong(c -> c.getUsage().getInputTokens()).sum();
    long output = calls.stream().mapToLong(c -> c.getUsage().getOutputTokens()).sum();
    BigDecimal cost =
        calls.stream().map(c -> c.getCost().getTotalUsd()).reduce(BigDecimal.ZERO, BigDecimal::add);
    List<List<Object>> rows =
        DuckDb.query(
            "SELECT count(*), sum(usage.input_tokens), sum(usage.output_tokens),"
                + " sum(cost.total_usd), min(dt), min(hour), typeof(min(dt)) FROM "
                + DuckDb.scan(root.resolve("calls")));
    assertThat(rows.get(0).get(0)).isEqualTo(300L);
    assertThat(((Number) rows.get(0).get(1)).longValue()).isEqualTo(input);
    assertThat(((Number) rows.get(0).get(2)).longValue()).isEqualTo(output);
    assertThat((BigDecimal) rows.get(0).get(3)).isEqualByComparingTo(cost);
    assertThat(rows.get(0).get(4).toString()).isEqualTo("2026-11-21");
    assertThat(rows.get(0).get(6)).isEqualTo("DATE");
    // DuckDB keeps the zero-padded hour as VARCHAR ('09'); hive_types can make it an integer
    assertThat(rows.get(0).get(5)).isEqualTo("09");
  }

  @Test
  void shouldKeepTimestampDecimalUuidAndMapTypes() throws Exception {
    PartitionFileWriter<CallRecord> w = writer(policy(10));
    CallRecord c = TestCalls.call(7, T0);
    w.write(0, c, dataset.toRow(c));
    w.publish();

    List<List<Object>> types =
        DuckDb.query(
            "SELECT typeof(call_id), typeof(timing.start), typeof(cost.total_usd),"
                + " typeof(rate_limits.headers), typeof(request.anthropic_beta),"
                + " cast(timing.start AS VARCHAR), cost.total_usd::VARCHAR,"
                + " rate_limits.headers['anthropic-ratelimit-unified-status'], call_id::VARCHAR"
                + " FROM "
                + DuckDb.scan(root.resolve("calls")));
    assertThat(types.get(0).subList(0, 5))
        .containsExactly(
            "UUID",
            "TIMESTAMP WITH TIME ZONE",
            "DECIMAL(22,10)",
            "MAP(VARCHAR, VARCHAR)",
            "VARCHAR[]");
    assertThat(types.get(0).get(5).toString()).startsWith("2026-11-21 09:10:00");
    assertThat(types.get(0).get(6)).isEqualTo(c.getCost().getTotalUsd().toPlainString());
    assertThat(types.get(0).get(7)).isEqualTo("allowed");
    assertThat(types.get(0).get(8)).isEqualTo(c.getCallId().toString());
  }

  /**
   * Message Batch result records carry {@code request.batch_id} and {@code
   * request.batch_custom_id}; a second download of the same results repeats their call ids, and
   * this append-only dataset keeps one row per download (the audit table upserts instead).
   */
  @Test
  void shouldLetDuckDbFilterBatchResultRowsAndKeepOneRowPerDownload() throws Exception {
    PartitionFileWriter<CallRecord> w = writer(policy(1_000));
    long offset = 0;
    for (int download = 0; download < 2; download++) {
      for (int i = 0; i < 3; i++) {
        CallRecord c = TestCalls.call(i, T0.plusSeconds(download * 60L));
        c.getRequest().setBatchId("msgbatch_01");
        c.getRequest().setBatchCustomId("req-" + i);
        w.write(offset++, c, dataset.toRow(c));
      }
    }
    CallRecord plain = TestCalls.call(99, T0);
    w.write(offset, plain, dataset.toRow(plain));
    w.publish();

    List<List<Object>> rows =
        DuckDb.query(
            "SELECT count(*), count(DISTINCT call_id), string_agg(DISTINCT"
                + " request.batch_custom_id, ',' ORDER BY request.batch_custom_id) FROM "
                + DuckDb.scan(root.resolve("calls"))
                + " WHERE request.batch_id = 'msgbatch_01'");
    assertThat(rows.get(0)).containsExactly(6L, 3L, "req-0,req-1,req-2");
    List<List<Object>> others =
        DuckDb.query(
            "SELECT count(*) FROM "
                + DuckDb.scan(root.resolve("calls"))
                + " WHERE request.batch_id IS NULL AND request.batch_custom_id IS NULL");
    assertThat(others.get(0)).containsExactly(1L);
  }

  @Test
  void shouldRotateOnRecordCount() throws Exception {
    PartitionFileWriter<CallRecord> w = writer(policy(4));
    for (int i = 0; i < 10; i++) {
      CallRecord c = TestCalls.call(i, T0.plusSeconds(i));
      w.write(i, c, dataset.toRow(c));
    }
    assertThat(w.openStartOffset()).hasValue(8);
    w.publish();
    assertThat(files())
        .containsExactly(
            "dt=2026-11-21/hour=09/tapwire.calls+3+0+3.parquet",
            "dt=2026-11-21/hour=09/tapwire.calls+3+4+7.parquet",
            "dt=2026-11-21/hour=09/tapwire.calls+3+8+9.parquet");
  }

  @Test
  void shouldRotateWhenRecordTimeCrossesTheHourPartition() throws Exception {
    PartitionFileWriter<CallRecord> w = writer(policy(1_000));
    Instant[] starts = {
      Instant.parse("2026-11-21T09:59:58Z"),
      Instant.parse("2026-11-21T09:59:59Z"),
      Instant.parse("2026-11-21T10:00:00Z"),
      Instant.parse("2026-11-21T23:59:59Z"),
      Instant.parse("2026-11-22T00:00:01Z")
    };
    for (int i = 0; i < starts.length; i++) {
      CallRecord c = TestCalls.call(i, starts[i]);
      w.write(i, c, dataset.toRow(c));
    }
    w.publish();
    assertThat(files())
        .containsExactly(
            "dt=2026-11-21/hour=09/tapwire.calls+3+0+1.parquet",
            "dt=2026-11-21/hour=10/tapwire.calls+3+2+2.parquet",
            "dt=2026-11-21/hour=23/tapwire.calls+3+3+3.parquet",
            "dt=2026-11-22/hour=00/tapwire.calls+3+4+4.parquet");
  }

  @Test
  void shouldRotateWhenRecordTimeIntervalIsReached() throws Exception {
    PartitionFileWriter<CallRecord> w =
        writer(
            new RotationPolicy(
                1_000, Duration.ofMinutes(1), Duration.ofHours(1), Duration.ofHours(1)));
    long[] seconds = {0, 30, 59, 60, 61, 150};
    for (int i = 0; i < seconds.length; i++) {
      CallRecord c = TestCalls.call(i, T0.plusSeconds(seconds[i]));
      w.write(i, c, dataset.toRow(c));
    }
    w.publish();
    assertThat(files())
        .containsExactly(
            "dt=2026-11-21/hour=09/tapwire.calls+3+0+2.parquet",
            "dt=2026-11-21/hour=09/tapwire.calls+3+3+4.parquet",
            "dt=2026-11-21/hour=09/tapwire.calls+3+5+5.parquet");
  }

  @Test
  void shouldCloseFileAfterIdleIntervalOnFakeTime() throws Exception {
    PartitionFileWriter<CallRecord> w = writer(policy(1_000));
    CallRecord c = TestCalls.call(0, T0);
    w.write(42, c, dataset.toRow(c));
    clock.advance(Duration.ofMillis(4_999));
    assertThat(w.closeIfDue()).isFalse();
    assertThat(DuckDb.query("SELECT 1 FROM glob('" + root + "/calls/**/*.parquet')")).isEmpty();
    clock.advance(Duration.ofMillis(1));
    assertThat(w.closeIfDue()).isTrue();
    assertThat(files()).containsExactly("dt=2026-11-21/hour=09/tapwire.calls+3+42+42.parquet");
    assertThat(w.openStartOffset()).isEmpty();
  }

  @Test
  void shouldCloseBusyFileAfterMaxOpenTimeOnFakeTime() throws Exception {
    PartitionFileWriter<CallRecord> w = writer(policy(1_000));
    for (int i = 0; i < 10; i++) {
      CallRecord c = TestCalls.call(i, T0.plusSeconds(i));
      w.write(i, c, dataset.toRow(c));
      clock.advance(Duration.ofSeconds(4));
      w.closeIfDue();
    }
    // idle never reached (writes every 4 s < 5 s), max open 5 min not reached: still one open file
    assertThat(w.openStartOffset()).hasValue(0);
    clock.advance(Duration.ofMinutes(5));
    assertThat(w.closeIfDue()).isTrue();
    assertThat(files()).containsExactly("dt=2026-11-21/hour=09/tapwire.calls+3+0+9.parquet");
  }

  @Test
  void shouldCapRowGroupsAtTheConfiguredRowCount() throws Exception {
    PartitionFileWriter<CallRecord> w =
        new PartitionFileWriter<>(
            TP,
            new HourlyPartitioner<>(dataset.timestamps()),
            dataset.timestamps(),
            ParquetRecordWriterProvider.forDataset(
                dataset, new ParquetFileSettings(32L * 1024 * 1024, 100, 1024 * 1024, 3)),
            new DatasetDirectory(root, "calls", ".parquet"),
            policy(1_000),
            clock,
            FaultInjector.NONE);
    for (int i = 0; i < 250; i++) {
      CallRecord c = TestCalls.call(i, T0.plusSeconds(i));
      w.write(i, c, dataset.toRow(c));
    }
    w.publish();
    List<List<Object>> groups =
        DuckDb.query(
            "SELECT row_group_num_rows FROM parquet_metadata('"
                + root.resolve("calls")
                + "/**/*.parquet') WHERE column_id = 0 ORDER BY row_group_id");
    assertThat(groups)
        .extracting(g -> ((Number) g.get(0)).longValue())
        .containsExactly(100L, 100L, 50L);
  }

  @Test
  void shouldLeaveNoFileWhenAborted() throws Exception {
    PartitionFileWriter<CallRecord> w = writer(policy(1_000));
    CallRecord c = TestCalls.call(0, T0);
    w.write(0, c, dataset.toRow(c));
    w.abort();
    assertThat(files()).isEmpty();
  }
}
