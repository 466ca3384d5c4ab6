package dev.tapwire.sink.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.avro.CallRecord;
import dev.tapwire.sink.TestCalls;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AuditCallUpsertTest {

  static final Instant T0 = Instant.parse("2026-11-20T23:30:00Z");

  @TempDir Path dir;

  AuditDatabase database(String kind) throws Exception {
    String url =
        kind.equals("postgresql")
            ? TestPostgres.get().newDatabase()
            : "jdbc:sqlite:" + dir.resolve("data/audit.db");
    AuditDatabase db = new AuditDatabase(url, kind.equals("postgresql") ? "postgres" : null, null);
    db.migrate();
    return db;
  }

  static List<CallRecord> calls(int n) {
    List<CallRecord> calls = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      calls.add(TestCalls.call(i, T0.plusSeconds(60L * i)));
    }
    return calls;
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgresql", "sqlite"})
  void shouldHoldExactlyOneRowPerCallAfterRedelivery(String kind) throws Exception {
    AuditDatabase db = database(kind);
    List<CallRecord> calls = calls(200);
    AuditCallUpsert upsert = new AuditCallUpsert(db.dialect());
    try (Connection c = db.connect()) {
      upsert.upsertAndCommit(c, calls);
      upsert.upsertAndCommit(c, calls.subList(50, 150)); // redelivery of a range
      List<CallRecord> twiceInOneBatch = new ArrayList<>(calls.subList(0, 10));
      twiceInOneBatch.addAll(calls.subList(0, 10));
      upsert.upsertAndCommit(c, twiceInOneBatch);
      try (Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT count(*), count(DISTINCT call_id), sum(input_tokens),"
                      + " sum(output_tokens), sum(cost_usd) FROM audit_calls")) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(200);
        assertThat(rs.getLong(2)).isEqualTo(200);
        assertThat(rs.getLong(3))
            .isEqualTo(calls.stream().mapToLong(x -> x.getUsage().getInputTokens()).sum());
        assertThat(rs.getLong(4))
            .isEqualTo(calls.stream().mapToLong(x -> x.getUsage().getOutputTokens()).sum());
        BigDecimal expected =
            calls.stream()
                .map(x -> x.getCost().getTotalUsd())
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        if (db.dialect() == AuditDialect.POSTGRESQL) {
          assertThat(rs.getBigDecimal(5)).isEqualByComparingTo(expected);
        } else {
          // SQLite keeps NUMERIC as an IEEE double: exact to ~15 significant digits
          assertThat(rs.getDouble(5))
              .isCloseTo(expected.doubleValue(), org.assertj.core.data.Offset.offset(1e-9));
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgresql", "sqlite"})
  void shouldNotLetAnOlderRedeliveryOverwriteANewerRecord(String kind) throws Exception {
    AuditDatabase db = database(kind);
    CallRecord newer = TestCalls.call(1, T0);
    CallRecord older =
        CallRecord.newBuilder(newer)
            .setProcessedAt(newer.getProcessedAt().minusSeconds(60))
            .build();
    older.getUsage().setOutputTokens(1L);
    AuditCallUpsert upsert = new AuditCallUpsert(db.dialect());
    try (Connection c = db.connect()) {
      upsert.upsertAndCommit(c, List.of(newer));
      upsert.upsertAndCommit(c, List.of(older));
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT output_tokens FROM audit_calls")) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(newer.getUsage().getOutputTokens());
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgresql", "sqlite"})
  void shouldSumUsageByUtcDayCredentialAndModel(String kind) throws Exception {
    AuditDatabase db = database(kind);
    List<CallRecord> calls = calls(120); // 2026-11-20T23:30 .. 2026-11-21T01:29
    try (Connection c = db.connect()) {
      new AuditCallUpsert(db.dialect()).upsertAndCommit(c, calls);
      try (Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT CAST(day AS VARCHAR(10)), credential_fingerprint, model, calls,"
                      + " output_tokens FROM audit_usage_daily"
                      + " WHERE credential_fingerprint = 'fp:api_key:3e9'"
                      + " AND model = 'claude-sonnet-4-5' ORDER BY 1")) {
        List<String> days = new ArrayList<>();
        long total = 0;
        long totalCalls = 0;
        while (rs.next()) {
          days.add(rs.getString(1));
          totalCalls += rs.getLong(4);
          total += rs.getLong(5);
        }
        // fingerprint 0x3e9 = 1001 means i % 4 == 1, model index i % 4 == 1: same 30 calls
        List<CallRecord> expected =
            calls.stream()
                .filter(x -> Math.floorMod(x.getCallId().getLeastSignificantBits(), 4) == 1)
                .toList();
        assertThat(days).containsExactly("2026-11-20", "2026-11-21");
        assertThat(totalCalls).isEqualTo(expected.size());
        assertThat(total)
            .isEqualTo(expected.stream().mapToLong(x -> x.getUsage().getOutputTokens()).sum());
      }
    }
  }
}
