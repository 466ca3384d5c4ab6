package dev.tapwire.replay;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * Counts what a replay does and shows it on a stream (stderr in the CLI): on a terminal one line
 * rewritten in place ({@code \r}) at most every {@code interval}; otherwise (a pipe or a log file)
 * a plain line every {@code interval}. Shows records scanned, flows copied and skipped, events,
 * bytes and the scan rate in records per second. Not thread-safe; used from the reading thread.
 */
public final class ReplayProgress {
  private final PrintWriter out;
  private final boolean terminal;
  private final Clock clock;
  private final Duration interval;
  private final Instant started;
  private Instant lastShown;
  private boolean showedOnTerminal;

  private long expected;
  private long scanned;
  private long undecodable;
  private long flowsCopied;
  private long flowsIncomplete;
  private long flowsSkipped;
  private long events;
  private long bytes;

  /**
   * @param out where the progress goes, or null for none
   * @param terminal true when {@code out} is a terminal (rewrite one line in place)
   * @param clock the time source of rates and the display interval
   * @param interval the least time between two displays
   */
  public ReplayProgress(PrintWriter out, boolean terminal, Clock clock, Duration interval) {
    this.out = out;
    this.terminal = terminal;
    this.clock = clock;
    this.interval = interval;
    this.started = clock.instant();
    this.lastShown = started;
  }

  /** Progress that shows nothing and only counts (for tests and library use). */
  public static ReplayProgress silent(Clock clock) {
    return new ReplayProgress(null, false, clock, Duration.ofDays(1));
  }

  /**
   * The source expects to read about {@code records} records (an upper bound); the display then
   * shows a bar and a percentage.
   */
  public void expect(long records) {
    expected = records;
  }

  /** {@code n} more source records were read. */
  public void scanned(long n) {
    scanned += n;
    maybeShow();
  }

  /** A source record was not a FlowEvent. */
  public void undecodable() {
    undecodable++;
  }

  /** A selected flow was already in the target. */
  public void skipped() {
    flowsSkipped++;
  }

  /** A flow was written to the target. */
  public void copied(RecordedFlow flow) {
    flowsCopied++;
    if (!flow.complete()) {
      flowsIncomplete++;
    }
    events += flow.events().size();
    bytes += flow.bytes();
    maybeShow();
  }

  /** Ends the display (a final newline on a terminal) and returns the totals. */
  public ReplaySummary finish() {
    if (expected > 0) {
      expected = scanned; // the scan is over: show it complete
    }
    if (out != null && terminal && showedOnTerminal) {
      out.print(line());
      out.println();
      out.flush();
    }
    return new ReplaySummary(
        flowsCopied,
        flowsIncomplete,
        flowsSkipped,
        events,
        bytes,
        scanned,
        undecodable,
        Duration.between(started, clock.instant()));
  }

  private void maybeShow() {
    if (out == null) {
      return;
    }
    Instant now = clock.instant();
    if (Duration.between(lastShown, now).compareTo(interval) < 0) {
      return;
    }
    lastShown = now;
    if (terminal) {
      out.print(line());
      showedOnTerminal = true;
    } else {
      out.println(line().substring(1));
    }
    out.flush();
  }

  private String line() {
    double seconds = Math.max(0.001, Duration.between(started, clock.instant()).toMillis() / 1e3);
    return String.format(
        Locale.ROOT,
        "\r[replay] %s%,d records scanned (%,.0f/s) | %,d flows copied, %,d skipped | %,d events |"
            + " %s   ",
        bar(),
        scanned,
        scanned / seconds,
        flowsCopied,
        flowsSkipped,
        events,
        formatBytes(bytes));
  }

  private String bar() {
    if (expected <= 0) {
      return "";
    }
    int percent = (int) Math.min(100, scanned * 100 / expected);
    int filled = percent / 5;
    return "[" + "#".repeat(filled) + "-".repeat(20 - filled) + "] " + percent + "% ";
  }

  /** Bytes in B, KiB, MiB or GiB with one decimal. */
  public static String formatBytes(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }
}
