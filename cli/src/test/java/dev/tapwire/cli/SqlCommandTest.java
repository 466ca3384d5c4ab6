package dev.tapwire.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqlCommandTest {
  @TempDir Path dataDir;

  /** Two calls in two Hive partitions, written by DuckDB itself. */
  @BeforeEach
  void writeCallsDataset() throws Exception {
    Path day1 = Files.createDirectories(dataDir.resolve("parquet/calls/date=2026-11-20"));
    Path day2 = Files.createDirectories(dataDir.resolve("parquet/calls/date=2026-11-21"));
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = connection.createStatement()) {
      statement.execute(
          "COPY (SELECT 'call-1' AS call_id, 'claude-sonnet-4-5' AS model,"
              + " {'input_tokens': 1200, 'output_tokens': 80} AS usage,"
              + " CAST(0.0048 AS DECIMAL(22,10)) AS cost_usd,"
              + " TIMESTAMPTZ '2026-11-20 10:00:00.123456+00' AS started_at)"
              + " TO '"
              + day1.resolve("tapwire.calls+0+0+0.parquet")
              + "' (FORMAT parquet)");
      statement.execute(
          "COPY (SELECT 'call-2' AS call_id, 'claude-opus-4-5' AS model,"
              + " {'input_tokens': 10, 'output_tokens': 5} AS usage,"
              + " CAST(0.000175 AS DECIMAL(22,10)) AS cost_usd,"
              + " TIMESTAMPTZ '2026-11-21 09:30:00+00' AS started_at)"
              + " TO '"
              + day2.resolve("tapwire.calls+0+1+1.parquet")
              + "' (FORMAT parquet)");
    }
  }

  @Test
  void shouldPrintAlignedTableWithHivePartitionColumn() {
    Cli.Result result =
        Cli.run(
            "sql",
            "--data-dir",
            dataDir.toString(),
            "SELECT call_id, model, usage.input_tokens AS input, cost_usd, date FROM calls ORDER BY"
                + " call_id");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out().lines())
        .containsExactly(
            "call_id | model             | input |     cost_usd | date",
            "--------+-------------------+-------+--------------+-----------",
            "call-1  | claude-sonnet-4-5 |  1200 | 0.0048000000 | 2026-11-20",
            "call-2  | claude-opus-4-5   |    10 | 0.0001750000 | 2026-11-21",
            "(2 rows)");
  }

  @Test
  void shouldPrintCsvWithHeader() {
    Cli.Result result =
        Cli.run(
            "sql",
            "--data-dir",
            dataDir.toString(),
            "--format",
            "csv",
            "SELECT model, sum(cost_usd) AS cost, 'a,b' AS quoted FROM calls GROUP BY model ORDER BY"
                + " model");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out())
        .isEqualTo(
            "model,cost,quoted\r\n"
                + "claude-opus-4-5,0.0001750000,\"a,b\"\r\n"
                + "claude-sonnet-4-5,0.0048000000,\"a,b\"\r\n");
  }

  @Test
  void shouldPrintJsonWithExactDecimalsNestedStructsAndTimestamps() throws Exception {
    Cli.Result result =
        Cli.run(
            "sql",
            "--data-dir",
            dataDir.toString(),
            "--format",
            "json",
            "SELECT call_id, usage, cost_usd, started_at FROM calls WHERE call_id = 'call-1'");

    assertThat(result.exitCode()).as(result.err()).isZero();
    JsonNode rows = new ObjectMapper().readTree(result.out());
    assertThat(rows).hasSize(1);
    JsonNode row = rows.get(0);
    assertThat(row.get("call_id").asText()).isEqualTo("call-1");
    assertThat(row.get("usage").get("input_tokens").asLong()).isEqualTo(1200);
    assertThat(row.get("usage").get("output_tokens").asLong()).isEqualTo(80);
    assertThat(row.get("cost_usd").decimalValue()).isEqualByComparingTo("0.0048");
    assertThat(java.time.OffsetDateTime.parse(row.get("started_at").asText()).toInstant())
        .isEqualTo(java.time.Instant.parse("2026-11-20T10:00:00.123456Z"));
  }

  @Test
  void shouldExplainEmptyDatasetInsteadOfFailingWithStackTrace() {
    Cli.Result result = Cli.run("sql", "--data-dir", dataDir.toString(), "SELECT * FROM flows");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .contains("No data in the flows view yet")
        .contains(dataDir.resolve("parquet/flows").toString())
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
    assertThat(result.out()).isEmpty();
  }

  @Test
  void shouldReportSqlErrorsAsOneLine() {
    Cli.Result result = Cli.run("sql", "--data-dir", dataDir.toString(), "SELEKT 1");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).startsWith("SQL error: ").contains("SELEKT").doesNotContain("\tat ");
  }

  @Test
  void shouldIgnoreFilesThatAreNotParquetSuchAsTemporaryFiles() throws Exception {
    Files.writeString(
        dataDir.resolve("parquet/calls/date=2026-11-21/tapwire.calls+0+2+2.parquet.tmp"),
        "half-written");

    Cli.Result result =
        Cli.run(
            "sql",
            "--data-dir",
            dataDir.toString(),
            "--format",
            "csv",
            "SELECT count(*) AS n FROM calls");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out()).isEqualTo("n\r\n2\r\n");
  }
}
