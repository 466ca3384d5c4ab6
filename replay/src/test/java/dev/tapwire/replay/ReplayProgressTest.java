package dev.tapwire.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.testkit.MutableClock;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplayProgressTest {

  private static RecordedFlow flow(boolean complete) {
    return new RecordedFlow(
        "f",
        new byte[36],
        List.of(
            new RecordedFlow.Event(0, 0, new byte[64]), new RecordedFlow.Event(1, 0, new byte[28])),
        complete);
  }

  @Test
  void shouldPrintPlainLinesAtMostOncePerIntervalWhenNotATerminal() {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-15T10:00:00Z"));
    StringWriter out = new StringWriter();
    ReplayProgress progress =
        new ReplayProgress(new PrintWriter(out), false, clock, Duration.ofSeconds(2));

    progress.scanned(100);
    clock.advance(Duration.ofSeconds(1));
    progress.copied(flow(true));
    clock.advance(Duration.ofSeconds(1));
    progress.scanned(100);
    progress.skipped();
    clock.advance(Duration.ofSeconds(2));
    progress.copied(flow(false));
    ReplaySummary summary = progress.finish();

    assertThat(out.toString().lines().toList())
        .containsExactly(
            "[replay] 200 records scanned (100/s) | 1 flows copied, 0 skipped | 2 events | 164 B   ",
            "[replay] 200 records scanned (50/s) | 2 flows copied, 1 skipped | 4 events | 328 B   ");
    assertThat(summary)
        .isEqualTo(new ReplaySummary(2, 1, 1, 4, 328, 200, 0, Duration.ofSeconds(4)));
    assertThat(summary.describe())
        .isEqualTo(
            "replay done: 2 flows copied (1 incomplete), 1 skipped as already present, 4 events,"
                + " 328 B, 200 source records scanned, in 4.0 s");
  }

  @Test
  void shouldShowABarAndPercentageWhenTheSourceKnowsItsSizeAndEndAtHundredPercent() {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-15T10:00:00Z"));
    StringWriter out = new StringWriter();
    ReplayProgress progress = new ReplayProgress(new PrintWriter(out), true, clock, Duration.ZERO);

    progress.expect(400);
    clock.advance(Duration.ofSeconds(1));
    progress.scanned(100);
    clock.advance(Duration.ofSeconds(1));
    progress.scanned(200);
    progress.finish();

    assertThat(out.toString())
        .contains("\r[replay] [#####---------------] 25% 100 records scanned (100/s)")
        .contains("\r[replay] [###############-----] 75% 300 records scanned (150/s)")
        .contains("\r[replay] [####################] 100% 300 records scanned (150/s)");
  }

  @Test
  void shouldRewriteOneLineOnATerminalAndEndItWithANewline() {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-15T10:00:00Z"));
    StringWriter out = new StringWriter();
    ReplayProgress progress = new ReplayProgress(new PrintWriter(out), true, clock, Duration.ZERO);

    clock.advance(Duration.ofSeconds(1));
    progress.scanned(10);
    progress.copied(flow(true));
    progress.finish();

    assertThat(out.toString())
        .startsWith("\r[replay] 10 records scanned (10/s)")
        .endsWith("   " + System.lineSeparator());
    assertThat(out.toString().chars().filter(c -> c == '\r').count()).isEqualTo(3);
    assertThat(ReplayProgress.formatBytes(5 * 1024 * 1024 + 512 * 1024)).isEqualTo("5.5 MiB");
  }
}
