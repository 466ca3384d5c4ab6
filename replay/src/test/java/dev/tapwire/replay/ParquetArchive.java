package dev.tapwire.replay;

import dev.tapwire.avro.FlowEvent;
import dev.tapwire.sink.parquet.FlowsDataset;
import dev.tapwire.sink.parquet.HourlyPartitioner;
import dev.tapwire.sink.parquet.ParquetFileSettings;
import dev.tapwire.sink.parquet.ParquetRecordWriterProvider;
import dev.tapwire.sink.parquet.RecordWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.IndexedRecord;

/**
 * Archives flow events as the sink does: rows of the {@code flows} dataset ({@link FlowsDataset},
 * the sink's own row mapping and Parquet writer) in hourly Hive partitions under {@code
 * <root>/flows/}, with Connect-style file names.
 */
final class ParquetArchive {
  private ParquetArchive() {}

  static void write(Path root, Iterable<List<FlowEvent>> flows) throws Exception {
    FlowsDataset dataset = new FlowsDataset();
    HourlyPartitioner<FlowEvent> partitioner = new HourlyPartitioner<>(dataset.timestamps());
    ParquetRecordWriterProvider provider =
        ParquetRecordWriterProvider.forDataset(dataset, ParquetFileSettings.DEFAULT);
    Map<String, List<FlowEvent>> byPartition = new LinkedHashMap<>();
    for (List<FlowEvent> flow : flows) {
      for (FlowEvent e : flow) {
        byPartition.computeIfAbsent(partitioner.encodePartition(e), k -> new ArrayList<>()).add(e);
      }
    }
    int file = 0;
    for (Map.Entry<String, List<FlowEvent>> e : byPartition.entrySet()) {
      Path dir = root.resolve(FlowsDataset.NAME).resolve(e.getKey());
      Files.createDirectories(dir);
      List<FlowEvent> events = new ArrayList<>(e.getValue());
      events.sort(Comparator.comparing(FlowEvent::getEventTime));
      RecordWriter<IndexedRecord> writer =
          provider.open(dir.resolve("tapwire.flows.raw+0+" + file + "+" + (file + 1) + ".parquet"));
      for (FlowEvent event : events) {
        writer.write(dataset.toRow(event));
      }
      writer.close();
      file += 2;
    }
  }
}
