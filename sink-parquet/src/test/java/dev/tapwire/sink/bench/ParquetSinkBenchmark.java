package dev.tapwire.sink.bench;

import dev.tapwire.avro.CallRecord;
import dev.tapwire.sink.TestCalls;
import dev.tapwire.sink.parquet.CallsDataset;
import dev.tapwire.sink.parquet.DatasetDirectory;
import dev.tapwire.sink.parquet.FaultInjector;
import dev.tapwire.sink.parquet.HourlyPartitioner;
import dev.tapwire.sink.parquet.ParquetFileSettings;
import dev.tapwire.sink.parquet.ParquetRecordWriterProvider;
import dev.tapwire.sink.parquet.PartitionFileWriter;
import dev.tapwire.sink.parquet.RotationPolicy;
import dev.tapwire.testkit.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;

/**
 * Prints rows/s of call records into the Parquet calls dataset (writer path without Kafka: row
 * conversion, hourly partitioning, zstd, fsync and rename per file), then DuckDB's time for "cost
 * by model by day" over the dataset.
 *
 * <p>Arguments: {@code [rows=1000000] [days=30] [dir=<temp>]}. Calls are spread evenly over {@code
 * days}, so the dataset has {@code days * 24} hourly partitions.
 */
public final class ParquetSinkBenchmark {

  private ParquetSinkBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int days = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    Path root = args.length > 2 ? Path.of(args[2]) : Files.createTempDirectory("tapwire-bench");
    Instant t0 = Instant.parse("2026-10-01T00:00:00Z");
    long stepMicros = days * 86_400_000_000L / rows;

    // records are generated inside the timed loop (1M records do not fit a small heap); the cost
    // of generating alone is measured first and printed
    long g0 = System.nanoTime();
    long sink = 0;
    for (int i = 0; i < rows; i++) {
      sink +=
          TestCalls.call(i, t0.plusNanos(i * stepMicros * 1_000)).getRequest().getRequestBytes();
    }
    double genSeconds = (System.nanoTime() - g0) / 1e9;
    System.out.printf(
        "generate only: %,d call records in %.2f s (checksum %d)%n", rows, genSeconds, sink);
    CallsDataset dataset = new CallsDataset();
    PartitionFileWriter<CallRecord> writer =
        new PartitionFileWriter<>(
            new TopicPartition("tapwire.calls", 0),
            new HourlyPartitioner<>(dataset.timestamps()),
            dataset.timestamps(),
            ParquetRecordWriterProvider.forDataset(dataset, ParquetFileSettings.DEFAULT),
            new DatasetDirectory(root, dataset.name(), ".parquet"),
            new RotationPolicy(
                100_000, Duration.ofHours(1), Duration.ofHours(1), Duration.ofHours(1)),
            new MutableClock(Instant.EPOCH),
            FaultInjector.NONE);
    long start = System.nanoTime();
    for (int i = 0; i < rows; i++) {
      CallRecord call = TestCalls.call(i, t0.plusNanos(i * stepMicros * 1_000));
      writer.write(i, call, dataset.toRow(call));
    }
    writer.publish();
    double seconds = (System.nanoTime() - start) / 1e9;
    long files;
    long bytes;
    try (Stream<Path> s = Files.walk(root.resolve("calls"))) {
      List<Path> all = s.filter(p -> p.toString().endsWith(".parquet")).toList();
      files = all.size();
      bytes = 0;
      for (Path p : all) {
        bytes += Files.size(p);
      }
    }
    System.out.printf(
        "parquet write incl. generation: %,d call rows in %.2f s = %,.0f rows/s;"
            + " without generation %,.0f rows/s; %,d files, %,.1f MiB (%.0f B/row)%n",
        rows,
        seconds,
        rows / seconds,
        rows / (seconds - genSeconds),
        files,
        bytes / 1048576.0,
        (double) bytes / rows);

    String scan =
        "read_parquet('" + root.resolve("calls") + "/**/*.parquet', hive_partitioning=true)";
    String query =
        "SELECT dt, response.model AS model, count(*) AS calls, sum(cost.total_usd) AS cost_usd"
            + " FROM "
            + scan
            + " GROUP BY ALL ORDER BY ALL";
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = c.createStatement()) {
      for (int run = 1; run <= 3; run++) {
        long q0 = System.nanoTime();
        int groups = 0;
        try (ResultSet rs = st.executeQuery(query)) {
          while (rs.next()) {
            groups++;
          }
        }
        System.out.printf(
            "duckdb cost by model by day over %,d rows (%d files): run %d %.0f ms, %d groups%n",
            rows, files, run, (System.nanoTime() - q0) / 1e6, groups);
      }
    }
    System.out.println("dataset: " + root.resolve("calls"));
  }
}
