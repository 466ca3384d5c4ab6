package dev.tapwire.sink.audit;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

/**
 * The audit databases Tapwire supports and how values are bound for each: PostgreSQL with {@code
 * UUID}, {@code TIMESTAMPTZ} and {@code NUMERIC(22,10)}; SQLite with text UUIDs, ISO-8601 UTC text
 * times with microseconds ({@code 2026-11-21T09:10:00.000000Z}) and NUMERIC-affinity costs.
 */
public enum AuditDialect {
  POSTGRESQL("classpath:db/migration/postgresql") {
    @Override
    void bindUuid(PreparedStatement ps, int index, UUID value) throws SQLException {
      ps.setObject(index, value);
    }

    @Override
    void bindTime(PreparedStatement ps, int index, Instant value) throws SQLException {
      if (value == null) {
        ps.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
      } else {
        ps.setObject(index, OffsetDateTime.ofInstant(value, ZoneOffset.UTC));
      }
    }
  },
  SQLITE("classpath:db/migration/sqlite") {
    private static final DateTimeFormatter ISO =
        DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    @Override
    void bindUuid(PreparedStatement ps, int index, UUID value) throws SQLException {
      ps.setString(index, value.toString());
    }

    @Override
    void bindTime(PreparedStatement ps, int index, Instant value) throws SQLException {
      ps.setString(index, value == null ? null : ISO.format(value));
    }
  };

  private final String migrations;

  AuditDialect(String migrations) {
    this.migrations = migrations;
  }

  /** Flyway location of this dialect's migrations. */
  public String migrations() {
    return migrations;
  }

  abstract void bindUuid(PreparedStatement ps, int index, UUID value) throws SQLException;

  abstract void bindTime(PreparedStatement ps, int index, Instant value) throws SQLException;

  /**
   * The dialect of a JDBC URL.
   *
   * @throws IllegalArgumentException for other databases
   */
  public static AuditDialect of(String jdbcUrl) {
    if (jdbcUrl.startsWith("jdbc:postgresql:")) {
      return POSTGRESQL;
    }
    if (jdbcUrl.startsWith("jdbc:sqlite:")) {
      return SQLITE;
    }
    throw new IllegalArgumentException(
        "unsupported audit database URL (jdbc:postgresql: or jdbc:sqlite:): " + jdbcUrl);
  }
}
