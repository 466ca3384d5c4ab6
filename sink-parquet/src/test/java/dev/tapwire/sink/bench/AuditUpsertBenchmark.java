package dev.tapwire.sink.bench;

import dev.tapwire.avro.CallRecord;
import dev.tapwire.sink.TestCalls;
import dev.tapwire.sink.audit.AuditCallUpsert;
import dev.tapwire.sink.audit.AuditDatabase;
import dev.tapwire.sink.audit.TestPostgres;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints upserts/s into {@code audit_calls} on SQLite (file, WAL, synchronous=FULL) and on a real
 * PostgreSQL (zonky embedded, or the machine's PostgreSQL 15), for first inserts and for a full
 * redelivery (every row conflicts), in transactions of {@code batch} rows.
 *
 * <p>Arguments: {@code [rows=100000] [batch=1000]}.
 */
public final class AuditUpsertBenchmark {

  private AuditUpsertBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int batch = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
    List<CallRecord> calls = new ArrayList<>(rows);
    Instant t0 = Instant.parse("2026-10-01T00:00:00Z");
    for (int i = 0; i < rows; i++) {
      calls.add(TestCalls.call(i, t0.plusSeconds(i)));
    }
    Path dir = Files.createTempDirectory("tapwire-audit-bench");
    run(
        "sqlite",
        new AuditDatabase("jdbc:sqlite:" + dir.resolve("audit.db"), null, null),
        calls,
        batch);
    String pg = TestPostgres.get().newDatabase();
    run("postgresql (fsync off)", new AuditDatabase(pg, "postgres", null), calls, batch);
    run(
        "postgresql (fsync off) reWriteBatchedInserts",
        new AuditDatabase(
            TestPostgres.get().newDatabase() + "?reWriteBatchedInserts=true", "postgres", null),
        calls,
        batch);
    // zonky starts PostgreSQL with -F (fsync off) and synchronous_commit=off; later -c options
    // override both, so this server is durable like a production one
    try (EmbeddedPostgres durable =
        EmbeddedPostgres.builder()
            .setServerConfig("fsync", "on")
            .setServerConfig("synchronous_commit", "on")
            .start()) {
      String url = "jdbc:postgresql://127.0.0.1:" + durable.getPort() + "/postgres";
      try (Connection c = java.sql.DriverManager.getConnection(url, "postgres", null);
          java.sql.Statement s = c.createStatement();
          java.sql.ResultSet rs = s.executeQuery("SHOW fsync")) {
        rs.next();
        System.out.println("durable server: fsync=" + rs.getString(1));
      }
      run("postgresql (fsync on)", new AuditDatabase(url, "postgres", null), calls, batch);
    }
    System.exit(0);
  }

  static void run(String name, AuditDatabase db, List<CallRecord> calls, int batch)
      throws Exception {
    db.migrate();
    AuditCallUpsert upsert = new AuditCallUpsert(db.dialect());
    try (Connection c = db.connect()) {
      for (String pass : List.of("insert", "redelivery")) {
        long start = System.nanoTime();
        for (int i = 0; i < calls.size(); i += batch) {
          upsert.upsertAndCommit(c, calls.subList(i, Math.min(calls.size(), i + batch)));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
            "audit %s %s: %,d upserts in %.2f s = %,.0f upserts/s (batch %d)%n",
            name, pass, calls.size(), seconds, calls.size() / seconds, batch);
      }
    }
  }
}
