package dev.tapwire.replay.parquet;

import dev.tapwire.avro.FlowEvent;
import dev.tapwire.replay.FlowAssembler;
import dev.tapwire.replay.FlowSource;
import dev.tapwire.replay.RecordedFlow;
import dev.tapwire.replay.ReplayException;
import dev.tapwire.replay.ReplayProgress;
import dev.tapwire.replay.range.FlowSelector;
import dev.tapwire.sink.parquet.FlowRows;
import dev.tapwire.sink.parquet.FlowsDataset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads flows from the Parquet {@code flows} archive that the sink writes ({@code
 * <root>/flows/dt=…/hour=…/*.parquet}, one row per event), with DuckDB.
 *
 * <p>One query selects the flows whose sequence-0 row has an {@code event_time} in the range (host
 * and path-prefix filters are pushed down loosely and then applied exactly, with the same {@link
 * FlowSelector} as the Kafka source, on the rebuilt first event), joins all their rows and orders
 * them by flow start, flow id and sequence. Every event is rebuilt exactly from {@code event_avro}
 * and {@code body} ({@link FlowRows#rebuild}) and serialized with the given serializer (Confluent
 * wire format; the same schema gets the same registry id, so the bytes equal those of the raw
 * topic). Rows repeated for the same flow and sequence are read once (the assembler drops repeated
 * sequence numbers). A first count-only query, which reads only the small columns, sizes the
 * progress bar.
 */
public final class ParquetFlowSource implements FlowSource {
  private static final Logger log = LoggerFactory.getLogger(ParquetFlowSource.class);

  /** DuckDB's memory limit while reading the archive; larger sorts spill to a temp directory. */
  static final String MEMORY_LIMIT = "1GB";

  private final Path flowsDirectory;
  private final Serializer<FlowEvent> serializer;
  private final String serializerTopic;

  /**
   * @param parquetRoot the sink's Parquet root (the directory that holds {@code flows/})
   * @param serializer serializes rebuilt events for the target
   * @param serializerTopic the topic passed to the serializer (its subject is {@code
   *     <topic>-value})
   */
  public ParquetFlowSource(
      Path parquetRoot, Serializer<FlowEvent> serializer, String serializerTopic) {
    this.flowsDirectory = parquetRoot.resolve(FlowsDataset.NAME);
    this.serializer = serializer;
    this.serializerTopic = serializerTopic;
  }

  @Override
  public void forEachFlow(
      FlowSelector selector, Predicate<String> wanted, FlowSink sink, ReplayProgress progress) {
    if (!Files.isDirectory(flowsDirectory)) {
      throw new ReplayException("no flows archive at " + flowsDirectory);
    }
    FlowAssembler<RecordedFlow.Event> assembler =
        new FlowAssembler<>(
            first -> selector.selects(first) && wanted.test(first.getFlowId().toString()),
            (flowId, events, complete) ->
                sink.accept(
                    new RecordedFlow(
                        flowId, flowId.getBytes(StandardCharsets.UTF_8), events, complete)));
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        PreparedStatement count = prepare(connection, query(selector, true));
        PreparedStatement statement = connection.prepareStatement(query(selector, false))) {
      bind(count, selector);
      try (ResultSet rows = count.executeQuery()) {
        if (rows.next()) {
          progress.expect(rows.getLong(1));
        }
      }
      bind(statement, selector);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          progress.scanned(1);
          FlowEvent event = rebuild(rows, progress);
          if (event == null) {
            continue;
          }
          String flowId = event.getFlowId().toString();
          assembler.add(
              flowId,
              event,
              new RecordedFlow.Event(
                  event.getSeq(),
                  event.getEventTime().toEpochMilli(),
                  serializer.serialize(serializerTopic, event)));
        }
      }
    } catch (SQLException e) {
      throw new ReplayException("reading the flows archive " + flowsDirectory + " failed", e);
    }
    assembler.finish();
  }

  private static void bind(PreparedStatement statement, FlowSelector selector) throws SQLException {
    int i = 1;
    statement.setLong(i++, selector.range().fromMicros());
    statement.setLong(i++, selector.range().toMicros());
    if (selector.host().isPresent()) {
      statement.setString(i++, selector.host().get());
    }
    if (selector.pathPrefix().isPresent()) {
      statement.setString(i++, selector.pathPrefix().get());
    }
  }

  /** Bounds DuckDB's memory (it sorts the selected rows, bodies included) and lets it spill. */
  private static PreparedStatement prepare(Connection connection, String sql) throws SQLException {
    try (Statement settings = connection.createStatement()) {
      settings.execute("SET memory_limit = '" + MEMORY_LIMIT + "'");
      Path spill = Path.of(System.getProperty("java.io.tmpdir"), "tapwire-duckdb-spill");
      settings.execute("SET temp_directory = '" + spill.toString().replace("'", "''") + "'");
    }
    return connection.prepareStatement(sql);
  }

  private static FlowEvent rebuild(ResultSet rows, ReplayProgress progress) throws SQLException {
    try {
      return FlowRows.rebuild(rows.getBytes("event_avro"), rows.getBytes("body"));
    } catch (RuntimeException e) {
      progress.undecodable();
      log.warn(
          "Skipping archived row of flow {} seq {}: cannot rebuild the event ({})",
          rows.getString("flow_id"),
          rows.getLong("seq"),
          e.toString());
      return null;
    }
  }

  /**
   * The query of the selected flows' rows, or with {@code count} of their number (which reads only
   * the small columns, for the progress bar).
   */
  private String query(FlowSelector selector, boolean count) {
    String glob = flowsDirectory.resolve("**").resolve("*.parquet").toString().replace("'", "''");
    List<String> startFilters = new ArrayList<>();
    startFilters.add("seq = 0");
    startFilters.add("epoch_us(event_time) >= ?");
    startFilters.add("epoch_us(event_time) < ?");
    if (selector.host().isPresent()) {
      // Loose: the exact rule (tunnel host, flow error target) is applied on the rebuilt event.
      startFilters.add("(lower(host) = ? OR event_type = 'FLOW_ERROR')");
    }
    if (selector.pathPrefix().isPresent()) {
      startFilters.add("starts_with(path, ?)");
    }
    return "WITH events AS (SELECT flow_id, seq, event_time, event_type, host, path, event_avro,"
        + " body FROM read_parquet('"
        + glob
        + "', hive_partitioning = true, union_by_name = true)),"
        + " starts AS (SELECT flow_id, min(event_time) AS start_time FROM events WHERE "
        + String.join(" AND ", startFilters)
        + " GROUP BY flow_id)"
        + (count
            ? " SELECT count(*) FROM events e JOIN starts s ON e.flow_id = s.flow_id"
            : " SELECT e.flow_id::VARCHAR AS flow_id, e.seq, e.event_avro, e.body"
                + " FROM events e JOIN starts s ON e.flow_id = s.flow_id"
                + " ORDER BY s.start_time, e.flow_id, e.seq");
  }

  @Override
  public void close() {
    serializer.close();
  }
}
