package dev.tapwire.replay;

import dev.tapwire.replay.range.FlowSelector;
import java.util.function.Predicate;

/**
 * Where replayed flows come from: the raw Kafka topic ({@link
 * dev.tapwire.replay.kafka.KafkaFlowSource}) or the Parquet {@code flows} archive ({@link
 * dev.tapwire.replay.parquet.ParquetFlowSource}).
 */
public interface FlowSource extends AutoCloseable {

  /**
   * Reads every flow that {@code selector} selects and hands each one, whole, to {@code sink}.
   *
   * @param selector which flows (time range of the start, host, path prefix)
   * @param wanted asked once per selected flow id; flows it refuses (already in the target) are
   *     neither buffered nor handed to {@code sink}
   * @param sink receives each flow once, events in sequence order
   * @param progress told about every source record scanned
   * @throws ReplayException if the source cannot be read
   */
  void forEachFlow(
      FlowSelector selector, Predicate<String> wanted, FlowSink sink, ReplayProgress progress);

  @Override
  void close();

  /** Receives whole flows. */
  @FunctionalInterface
  interface FlowSink {
    /** Takes one flow; called on the reading thread. */
    void accept(RecordedFlow flow);
  }
}
