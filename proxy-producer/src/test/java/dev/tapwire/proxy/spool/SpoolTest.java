package dev.tapwire.proxy.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tapwire.proxy.capture.CaptureUnavailableException;
import dev.tapwire.testkit.MutableClock;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {
  @TempDir Path dir;

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T10:00:00Z"));

  private Spool open(long maxBytes, int segmentBytes) throws IOException {
    return Spool.open(new SpoolOptions(dir, maxBytes, segmentBytes, 100), clock);
  }

  private static byte[] payload(int i) {
    // 100 to 299 bytes, content derived from i
    String s = "record-" + i + "-" + "x".repeat(100 + (i * 37) % 200);
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static List<String> drainAll(Spool spool) {
    List<String> out = new ArrayList<>();
    List<SpoolRecord> batch;
    while (!(batch = spool.read(7, 1 << 20)).isEmpty()) {
      for (SpoolRecord r : batch) {
        out.add(new String(r.payload(), StandardCharsets.UTF_8));
      }
      spool.commit(batch.get(batch.size() - 1).index() + 1);
    }
    return out;
  }

  private List<Path> segmentFiles() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".seg")).sorted().toList();
    }
  }

  @Test
  void shouldReadRecordsInAppendOrderAcrossSegments() throws IOException {
    List<String> expected = new ArrayList<>();
    try (Spool spool = open(1 << 20, 2048)) {
      for (int i = 0; i < 200; i++) {
        long index = spool.append(payload(i));
        assertThat(index).isEqualTo(i);
        expected.add(new String(payload(i), StandardCharsets.UTF_8));
      }
      assertThat(segmentFiles()).hasSizeGreaterThan(10);
      assertThat(spool.depthRecords()).isEqualTo(200);
      assertThat(spool.depthBytes()).isEqualTo(spool.diskBytes());

      assertThat(drainAll(spool)).containsExactlyElementsOf(expected);
      assertThat(spool.isEmpty()).isTrue();
      assertThat(spool.depthBytes()).isZero();
      assertThat(segmentFiles()).as("fully drained segments are deleted").isEmpty();

      assertThat(spool.append(payload(200))).isEqualTo(200);
      assertThat(drainAll(spool)).containsExactly(new String(payload(200), StandardCharsets.UTF_8));
    }
  }

  @Test
  void shouldDeleteOnlySegmentsWhoseRecordsAreAllCommitted() throws IOException {
    try (Spool spool = open(1 << 20, 2048)) {
      for (int i = 0; i < 100; i++) {
        spool.append(payload(i));
      }
      int before = segmentFiles().size();
      List<SpoolRecord> batch = spool.read(30, 1 << 20);
      spool.commit(batch.get(29).index() + 1);
      List<Path> after = segmentFiles();
      assertThat(after.size()).isLessThan(before).isGreaterThan(1);
      assertThat(spool.depthRecords()).isEqualTo(70);
      assertThat(Segment.parseBaseIndex(after.get(0))).isLessThanOrEqualTo(30);
    }
  }

  @Test
  void shouldResumeAfterRestartFromTheLastCommittedRecord() throws IOException {
    try (Spool spool = open(1 << 20, 2048)) {
      for (int i = 0; i < 50; i++) {
        spool.append(payload(i));
      }
      List<SpoolRecord> batch = spool.read(20, 1 << 20);
      spool.commit(batch.get(19).index() + 1);
      // read further without committing: these must come again after a restart
      assertThat(spool.read(10, 1 << 20)).hasSize(10);
    }
    try (Spool spool = open(1 << 20, 2048)) {
      assertThat(spool.depthRecords()).isEqualTo(30);
      List<SpoolRecord> first = spool.read(1, 1 << 20);
      assertThat(first.get(0).index()).isEqualTo(20);
      assertThat(first.get(0).payload()).isEqualTo(payload(20));
      spool.rewind();
      assertThat(spool.append(payload(50))).isEqualTo(50);
      List<String> rest = drainAll(spool);
      assertThat(rest).hasSize(31);
      assertThat(rest.get(0)).isEqualTo(new String(payload(20), StandardCharsets.UTF_8));
      assertThat(rest.get(30)).isEqualTo(new String(payload(50), StandardCharsets.UTF_8));
    }
    try (Spool spool = open(1 << 20, 2048)) {
      assertThat(spool.isEmpty()).isTrue();
      assertThat(spool.nextIndex()).isEqualTo(51);
      assertThat(spool.read(10, 1 << 20)).isEmpty();
    }
  }

  @Test
  void shouldRedeliverFromTheOldestUncommittedRecordAfterRewind() throws IOException {
    try (Spool spool = open(1 << 20, 4096)) {
      for (int i = 0; i < 10; i++) {
        spool.append(payload(i));
      }
      List<SpoolRecord> batch = spool.read(10, 1 << 20);
      spool.commit(batch.get(3).index() + 1);
      spool.rewind();
      List<SpoolRecord> again = spool.read(10, 1 << 20);
      assertThat(again).extracting(SpoolRecord::index).containsExactly(4L, 5L, 6L, 7L, 8L, 9L);
    }
  }

  @Test
  void shouldTruncateATornTailAndKeepEveryCompleteRecord() throws IOException {
    try (Spool spool = open(1 << 20, 1 << 16)) {
      for (int i = 0; i < 10; i++) {
        spool.append(payload(i));
      }
    }
    Path segment = segmentFiles().get(0);
    long size = Files.size(segment);
    try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
      // a crash in the middle of writing record 10: header complete, payload cut short
      file.seek(size);
      file.writeInt(500);
      file.writeInt(12345);
      file.writeLong(clock.millis());
      file.write(new byte[100]);
    }
    try (Spool spool = open(1 << 20, 1 << 16)) {
      assertThat(Files.size(segment)).isEqualTo(size);
      assertThat(spool.depthRecords()).isEqualTo(10);
      assertThat(spool.append(payload(10))).isEqualTo(10);
      List<String> all = drainAll(spool);
      assertThat(all).hasSize(11);
      assertThat(all.get(10)).isEqualTo(new String(payload(10), StandardCharsets.UTF_8));
    }
  }

  @Test
  void shouldTruncateAtARecordWithABadChecksum() throws IOException {
    try (Spool spool = open(1 << 20, 1 << 16)) {
      for (int i = 0; i < 10; i++) {
        spool.append(payload(i));
      }
    }
    Path segment = segmentFiles().get(0);
    long size = Files.size(segment);
    try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
      // flip one payload byte of the last record
      file.seek(size - 3);
      int b = file.read();
      file.seek(size - 3);
      file.write(b ^ 0x40);
    }
    try (Spool spool = open(1 << 20, 1 << 16)) {
      assertThat(spool.depthRecords()).isEqualTo(9);
      List<String> all = drainAll(spool);
      assertThat(all).hasSize(9);
      assertThat(all.get(8)).isEqualTo(new String(payload(8), StandardCharsets.UTF_8));
    }
  }

  @Test
  void shouldRedeliverFromTheFirstRecordWhenTheCursorFileIsCorrupt() throws IOException {
    try (Spool spool = open(1 << 20, 4096)) {
      for (int i = 0; i < 10; i++) {
        spool.append(payload(i));
      }
      List<SpoolRecord> batch = spool.read(5, 1 << 20);
      spool.commit(batch.get(4).index() + 1);
    }
    Files.write(dir.resolve("cursor"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
    try (Spool spool = open(1 << 20, 4096)) {
      // at least once: nothing is lost, the delivered prefix comes again
      assertThat(spool.depthRecords()).isEqualTo(10);
      assertThat(spool.read(1, 1 << 20).get(0).index()).isZero();
    }
  }

  @Test
  void shouldSkipARecordDamagedAfterStartUpAndKeepReadingTheRest() throws IOException {
    try (Spool spool = open(1 << 20, 1 << 16)) {
      long[] ends = new long[5];
      for (int i = 0; i < 5; i++) {
        spool.append(payload(i));
        ends[i] = Files.size(segmentFiles().get(0));
      }
      // flip a payload byte of record 2 while the spool is open
      try (RandomAccessFile file = new RandomAccessFile(segmentFiles().get(0).toFile(), "rw")) {
        file.seek(ends[2] - 1);
        int b = file.read();
        file.seek(ends[2] - 1);
        file.write(b ^ 0x01);
      }
      List<SpoolRecord> read = spool.read(10, 1 << 20);
      assertThat(read).extracting(SpoolRecord::index).containsExactly(0L, 1L, 3L, 4L);
      assertThat(read.get(2).payload()).isEqualTo(payload(3));
      spool.commit(5);
      assertThat(spool.isEmpty()).isTrue();
    }
  }

  @Test
  void shouldRejectAppendsBeyondTheCapAndAcceptAgainAfterDraining() throws IOException {
    try (Spool spool = open(8192, 2048)) {
      int accepted = 0;
      CaptureUnavailableException full = null;
      for (int i = 0; i < 1000 && full == null; i++) {
        try {
          spool.append(payload(i));
          accepted++;
        } catch (SpoolFullException e) {
          full = e;
        }
      }
      assertThat(full).isNotNull().hasMessageContaining("spool.max.bytes");
      assertThat(spool.diskBytes()).isLessThanOrEqualTo(8192);
      assertThat(spool.depthRecords()).isEqualTo(accepted);
      assertThat(spool.remainingBytes()).isLessThan(Segment.HEADER_BYTES + 300);
      byte[] rejected = payload(accepted);
      assertThatThrownBy(() -> spool.append(rejected)).isInstanceOf(SpoolFullException.class);

      assertThat(drainAll(spool)).hasSize(accepted);
      assertThat(spool.remainingBytes()).isEqualTo(8192);
      spool.append(payload(1));
      assertThat(spool.depthRecords()).isEqualTo(1);
    }
  }

  @Test
  void shouldReportTheAppendTimeOfTheOldestUndeliveredRecord() throws IOException {
    try (Spool spool = open(1 << 20, 4096)) {
      assertThat(spool.oldestAppendTimeMillis()).isEmpty();
      long t0 = clock.millis();
      spool.append(payload(0));
      clock.advance(Duration.ofMillis(1500));
      spool.append(payload(1));
      assertThat(spool.oldestAppendTimeMillis()).hasValue(t0);
      List<SpoolRecord> first = spool.read(1, 1 << 20);
      assertThat(first.get(0).appendTimeMillis()).isEqualTo(t0);
      spool.commit(1);
      assertThat(spool.oldestAppendTimeMillis()).hasValue(t0 + 1500);
    }
  }

  @Test
  void shouldRefuseToCommitRecordsThatWereNotRead() throws IOException {
    try (Spool spool = open(1 << 20, 4096)) {
      spool.append(payload(0));
      spool.append(payload(1));
      spool.read(1, 1 << 20);
      assertThatThrownBy(() -> spool.commit(2)).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
