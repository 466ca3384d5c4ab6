package dev.tapwire.sink.parquet;

import dev.tapwire.avro.CallRecord;
import dev.tapwire.sink.TestCalls;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.apache.kafka.common.TopicPartition;

/**
 * Run by {@link HadoopAbsenceTest} in a JVM whose classpath is the module's runtime classpath:
 * writes a zstd Parquet file, then checks that no Hadoop class can be loaded. Exit code 0 = both
 * held, 3 = a Hadoop class was loadable.
 */
public final class HadoopFreeWriteMain {

  private HadoopFreeWriteMain() {}

  public static void main(String[] args) throws Exception {
    CallsDataset dataset = new CallsDataset();
    PartitionFileWriter<CallRecord> writer =
        new PartitionFileWriter<>(
            new TopicPartition("tapwire.calls", 0),
            new HourlyPartitioner<>(dataset.timestamps()),
            dataset.timestamps(),
            ParquetRecordWriterProvider.forDataset(dataset, ParquetFileSettings.DEFAULT),
            new DatasetDirectory(Path.of(args[0]), dataset.name(), ".parquet"),
            new RotationPolicy(10, Duration.ofHours(1), Duration.ofHours(1), Duration.ofHours(1)),
            Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), // runtime classpath only: no testkit
            FaultInjector.NONE);
    for (int i = 0; i < 3; i++) {
      CallRecord call = TestCalls.call(i, Instant.parse("2026-11-21T10:00:00Z"));
      writer.write(i, call, dataset.toRow(call));
    }
    writer.publish();
    for (String name :
        new String[] {"org.apache.hadoop.conf.Configuration", "org.apache.hadoop.fs.Path"}) {
      try {
        Class.forName(name);
        System.out.println("LOADABLE " + name);
        System.exit(3);
      } catch (ClassNotFoundException expected) {
        System.out.println("absent " + name);
      }
    }
  }
}
