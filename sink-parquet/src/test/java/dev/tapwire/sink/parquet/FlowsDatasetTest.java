package dev.tapwire.sink.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.avro.FlowEvent;
import dev.tapwire.sink.DuckDb;
import dev.tapwire.sink.TestFlows;
import dev.tapwire.testkit.MutableClock;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlowsDatasetTest {

  static final Instant T0 = Instant.parse("2026-11-21T17:59:59.999Z");

  @TempDir Path root;
  final FlowsDataset dataset = new FlowsDataset();

  List<FlowEvent> writeAll() throws Exception {
    List<FlowEvent> events = new ArrayList<>(TestFlows.streamedCall(UUID.randomUUID(), T0));
    events.add(TestFlows.tunnel(UUID.randomUUID(), T0.plusSeconds(1)));
    events.add(TestFlows.error(UUID.randomUUID(), T0.plusSeconds(2)));
    PartitionFileWriter<FlowEvent> writer =
        new PartitionFileWriter<>(
            new TopicPartition("tapwire.flows.raw", 0),
            new HourlyPartitioner<>(dataset.timestamps()),
            dataset.timestamps(),
            ParquetRecordWriterProvider.forDataset(dataset, ParquetFileSettings.DEFAULT),
            new DatasetDirectory(root, dataset.name(), ".parquet"),
            new RotationPolicy(
                1_000, Duration.ofHours(1), Duration.ofSeconds(5), Duration.ofMinutes(1)),
            new MutableClock(Instant.EPOCH),
            FaultInjector.NONE);
    long offset = 0;
    for (FlowEvent e : events) {
      writer.write(offset++, e, dataset.toRow(e));
    }
    writer.publish();
    return events;
  }

  @Test
  void shouldRebuildEveryEventExactlyFromTheArchivedRows() throws Exception {
    List<FlowEvent> events = writeAll();
    List<FlowEvent> rebuilt = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT event_avro, body, event_schema_fingerprint FROM "
                    + DuckDb.scan(root.resolve("flows"))
                    + " ORDER BY event_time, seq")) {
      while (rs.next()) {
        assertThat(rs.getString(3)).isEqualTo(FlowRows.EVENT_SCHEMA_FINGERPRINT);
        rebuilt.add(FlowRows.rebuild(rs.getBytes(1), rs.getBytes(2)));
      }
    }
    assertThat(rebuilt).containsExactlyElementsOf(events);
  }

  @Test
  void shouldExposeQueryableColumnsPartitionedByEventTime() throws Exception {
    writeAll();
    List<List<Object>> rows =
        DuckDb.query(
            "SELECT dt::VARCHAR, hour::VARCHAR, event_type, headers[3].value, len(sse_frames),"
                + " octet_length(body), typeof(event_time), typeof(flow_id), typeof(headers)"
                + " FROM "
                + DuckDb.scan(root.resolve("flows"))
                + " ORDER BY event_time, seq");
    assertThat(rows)
        .extracting(r -> r.get(2))
        .containsExactly(
            "REQUEST_HEAD",
            "BODY_PART",
            "RESPONSE_HEAD",
            "SSE_CHUNK",
            "SSE_CHUNK",
            "FLOW_END",
            "TUNNEL",
            "FLOW_ERROR");
    assertThat(rows.get(0).subList(0, 2)).containsExactly("2026-11-21", "17");
    assertThat(rows.get(1).subList(0, 2)).containsExactly("2026-11-21", "18");
    assertThat(rows.get(0).get(3)).isEqualTo("second value keeps order");
    assertThat(((Number) rows.get(3).get(4)).intValue()).isEqualTo(2);
    assertThat(((Number) rows.get(3).get(5)).intValue()).isEqualTo(53);
    assertThat(rows.get(0).subList(6, 9))
        .containsExactly(
            "TIMESTAMP WITH TIME ZONE", "UUID", "STRUCT(\"name\" VARCHAR, \"value\" VARCHAR)[]");
  }
}
