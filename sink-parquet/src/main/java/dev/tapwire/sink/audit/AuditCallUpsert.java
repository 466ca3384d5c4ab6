package dev.tapwire.sink.audit;

import dev.tapwire.avro.CallRecord;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Upserts call records into {@code audit_calls}: {@code INSERT … ON CONFLICT (call_id) DO UPDATE},
 * so a redelivered record never doubles a row. A stored row is replaced only by a record processed
 * at the same time or later ({@code processed_at}), so an old redelivery cannot overwrite a newer
 * re-derivation. The same statement works on PostgreSQL and SQLite (3.24+).
 */
public final class AuditCallUpsert {

  private static final List<String> COLUMNS =
      List.of(
          "call_id",
          "start_time",
          "end_time",
          "credential_fingerprint",
          "credential_kind",
          "session_id",
          "client_name",
          "client_version",
          "provider",
          "operation",
          "requested_model",
          "served_model",
          "input_tokens",
          "output_tokens",
          "cache_creation_input_tokens",
          "cache_read_input_tokens",
          "cost_usd",
          "cost_status",
          "price_table_version",
          "http_status",
          "outcome",
          "proxy_id",
          "upstream_request_id",
          "processed_at");

  static final String SQL =
      "INSERT INTO audit_calls ("
          + String.join(", ", COLUMNS)
          + ") VALUES ("
          + String.join(", ", COLUMNS.stream().map(c -> "?").toList())
          + ") ON CONFLICT (call_id) DO UPDATE SET "
          + String.join(", ", COLUMNS.stream().skip(1).map(c -> c + " = excluded." + c).toList())
          + " WHERE audit_calls.processed_at <= excluded.processed_at";

  private final AuditDialect dialect;

  public AuditCallUpsert(AuditDialect dialect) {
    this.dialect = dialect;
  }

  /**
   * Upserts {@code calls} in one JDBC batch and commits the transaction. Within the batch the last
   * record of a call id wins.
   *
   * @throws SQLException after rolling back; nothing of the batch is stored then
   */
  public void upsertAndCommit(Connection connection, Collection<CallRecord> calls)
      throws SQLException {
    Map<UUID, CallRecord> byId = new LinkedHashMap<>();
    for (CallRecord call : calls) {
      byId.put(call.getCallId(), call);
    }
    try (PreparedStatement ps = connection.prepareStatement(SQL)) {
      for (CallRecord call : byId.values()) {
        bind(ps, call);
        ps.addBatch();
      }
      ps.executeBatch();
      connection.commit();
    } catch (SQLException | RuntimeException e) {
      try {
        connection.rollback();
      } catch (SQLException rollback) {
        e.addSuppressed(rollback);
      }
      throw e;
    }
  }

  private void bind(PreparedStatement ps, CallRecord c) throws SQLException {
    int i = 1;
    dialect.bindUuid(ps, i++, c.getCallId());
    dialect.bindTime(ps, i++, c.getTiming().getStart());
    dialect.bindTime(ps, i++, c.getTiming().getEnd());
    ps.setString(i++, c.getIdentity().getCredentialFingerprint());
    ps.setString(i++, c.getIdentity().getCredentialKind().name());
    ps.setString(i++, c.getIdentity().getSessionId());
    ps.setString(i++, c.getIdentity().getClientName());
    ps.setString(i++, c.getIdentity().getClientVersion());
    ps.setString(i++, c.getRequest().getProvider());
    ps.setString(i++, c.getRequest().getOperation().name());
    ps.setString(i++, c.getRequest().getModel());
    ps.setString(i++, c.getResponse().getModel());
    setLong(ps, i++, c.getUsage().getInputTokens());
    setLong(ps, i++, c.getUsage().getOutputTokens());
    setLong(ps, i++, c.getUsage().getCacheCreationInputTokens());
    setLong(ps, i++, c.getUsage().getCacheReadInputTokens());
    BigDecimal cost = c.getCost().getTotalUsd();
    if (cost == null) {
      ps.setNull(i++, Types.NUMERIC);
    } else {
      ps.setBigDecimal(i++, cost);
    }
    ps.setString(i++, c.getCost().getStatus().name());
    ps.setString(i++, c.getCost().getPriceTableVersion());
    Integer status = c.getResponse().getStatus();
    if (status == null) {
      ps.setNull(i++, Types.INTEGER);
    } else {
      ps.setInt(i++, status);
    }
    ps.setString(i++, c.getOutcome().name());
    ps.setString(i++, c.getProxyId());
    ps.setString(i++, c.getIdentity().getUpstreamRequestId());
    dialect.bindTime(ps, i, c.getProcessedAt());
  }

  private static void setLong(PreparedStatement ps, int index, Long value) throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.BIGINT);
    } else {
      ps.setLong(index, value);
    }
  }
}
