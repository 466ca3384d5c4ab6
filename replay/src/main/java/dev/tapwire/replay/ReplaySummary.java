package dev.tapwire.replay;

import java.time.Duration;

/**
 * What a replay did.
 *
 * @param flowsCopied flows written to the target
 * @param flowsIncomplete of those, flows whose last event was not found before the scan ended
 * @param flowsSkipped selected flows already present in the target, not written again
 * @param eventsCopied events (Kafka records) written
 * @param bytesCopied key plus value bytes written
 * @param recordsScanned source records (Kafka records or Parquet rows) read
 * @param undecodable source records that were not FlowEvents (logged with their position, skipped)
 * @param duration wall time of the replay
 */
public record ReplaySummary(
    long flowsCopied,
    long flowsIncomplete,
    long flowsSkipped,
    long eventsCopied,
    long bytesCopied,
    long recordsScanned,
    long undecodable,
    Duration duration) {

  /** One line for a terminal, e.g. {@code copied 12 flows (0 incomplete), skipped 3 ...}. */
  public String describe() {
    return String.format(
        java.util.Locale.ROOT,
        "replay done: %d flows copied (%d incomplete), %d skipped as already present, %d events,"
            + " %s, %d source records scanned%s, in %.1f s",
        flowsCopied,
        flowsIncomplete,
        flowsSkipped,
        eventsCopied,
        ReplayProgress.formatBytes(bytesCopied),
        recordsScanned,
        undecodable == 0 ? "" : " (" + undecodable + " undecodable, skipped)",
        duration.toMillis() / 1000.0);
  }
}
