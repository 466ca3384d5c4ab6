package dev.tapwire.proxy.spool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A durable, append-only, on-disk FIFO of byte records: the place captured flow events wait while
 * Kafka is unavailable.
 *
 * <p>Layout: a directory of segment files (see {@link Segment} for the record format: length,
 * CRC32C, append time, payload) plus a {@code cursor} file holding the index of the first record
 * not yet delivered. Records get consecutive global indices.
 *
 * <p>Delivery is at least once: {@link #read} hands out records from the read position, the caller
 * publishes them and then {@link #commit}s; only committed records are gone for good. After a
 * restart reading resumes at the last committed index. Segments whose records are all committed are
 * deleted.
 *
 * <p>Durability (fsync policy): appends are written to the file at once (they survive a crash of
 * the process) and forced to the device on segment roll, on {@link #flush()}, on {@link #close()},
 * and on the first {@link #append} or {@link #flushIfDue()} at least {@link
 * SpoolOptions#fsyncIntervalMillis()} after the previous force (so a power loss can take at most
 * that window). On open, a torn or corrupted tail (what a crash mid-append leaves) is detected by
 * its length or CRC32C and cut off with a WARN.
 *
 * <p>Size cap: when the segment files together would exceed {@link SpoolOptions#maxBytes()}, {@link
 * #append} throws {@link SpoolFullException}. Committed bytes of a segment that is still being
 * written count until the segment is deleted.
 *
 * <p>Thread-safe: one lock guards all state, so one thread may append while another reads and
 * commits.
 */
public final class Spool implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Spool.class);

  private final SpoolOptions options;
  private final Clock clock;
  private final SpoolCursor cursor;
  private final ArrayDeque<Segment> segments = new ArrayDeque<>();

  /** Position of the next record to commit (the oldest undelivered one). */
  private Position committed;

  /** Position of the next record {@link #read} hands out. */
  private Position readPosition;

  /** Positions after records that were read but are not yet committed, oldest first. */
  private final ArrayDeque<Position> readAhead = new ArrayDeque<>();

  private long nextAppendIndex;
  private long lastForceMillis;
  private boolean dirty;
  private boolean closed;

  /** A record boundary: the segment, the byte offset in it and the index of the record there. */
  private record Position(Segment segment, long offset, long index) {}

  private Spool(SpoolOptions options, Clock clock) {
    this.options = options;
    this.clock = clock;
    this.cursor = new SpoolCursor(options.dir());
  }

  /**
   * Opens (or creates) the spool in {@code options.dir()}, recovering segments and the cursor.
   *
   * @throws IOException if the directory or its files cannot be read or written
   */
  public static Spool open(SpoolOptions options, Clock clock) throws IOException {
    Spool spool = new Spool(Objects.requireNonNull(options), Objects.requireNonNull(clock));
    spool.recover();
    return spool;
  }

  private void recover() throws IOException {
    Path dir = options.dir();
    Files.createDirectories(dir);
    Files.deleteIfExists(dir.resolve("cursor.tmp"));
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files =
          list.filter(p -> Segment.parseBaseIndex(p) >= 0)
              .sorted((a, b) -> Long.compare(Segment.parseBaseIndex(a), Segment.parseBaseIndex(b)))
              .toList();
    }
    for (Path file : files) {
      segments.add(Segment.recover(file, Segment.parseBaseIndex(file)));
    }
    long cursorIndex = cursor.load();
    // Drop segments that are entirely delivered (a crash between cursor write and delete).
    long deliveredEnd = cursorIndex;
    while (!segments.isEmpty() && segments.peekFirst().endIndex() <= cursorIndex) {
      Segment drained = segments.pollFirst();
      deliveredEnd = Math.max(deliveredEnd, drained.endIndex());
      drained.delete();
    }
    if (segments.isEmpty()) {
      nextAppendIndex = deliveredEnd;
      committed = null;
    } else {
      Segment head = segments.peekFirst();
      long offset = 0;
      long index = head.baseIndex();
      if (cursorIndex > index) {
        long skip = Math.min(cursorIndex, head.endIndex()) - index;
        for (long i = 0; i < skip; i++) {
          offset = head.nextPosition(offset);
        }
        index += skip;
      }
      committed = normalise(new Position(head, offset, index));
      nextAppendIndex = segments.peekLast().endIndex();
    }
    readPosition = committed;
    lastForceMillis = clock.millis();
    if (depthRecords() > 0) {
      log.info(
          "Spool {} holds {} undelivered records ({} bytes) from index {}",
          dir,
          depthRecords(),
          depthBytes(),
          committed.index());
    }
  }

  /**
   * Appends one record.
   *
   * @return the record's index
   * @throws SpoolFullException if the record would take the spool beyond its size cap
   * @throws UncheckedIOException if the write fails
   */
  public synchronized long append(byte[] payload) {
    ensureOpen();
    long recordBytes = Segment.HEADER_BYTES + (long) payload.length;
    long disk = diskBytes();
    if (disk + recordBytes > options.maxBytes()) {
      throw new SpoolFullException(
          "Capture spool "
              + options.dir()
              + " is full: "
              + disk
              + " of "
              + options.maxBytes()
              + " bytes used (spool.max.bytes); Kafka has not taken the spooled events yet");
    }
    try {
      Segment active = segments.peekLast();
      if (active == null
          || (active.size() > 0 && active.size() + recordBytes > options.segmentBytes())) {
        if (active != null) {
          active.force();
        }
        active = Segment.create(options.dir(), nextAppendIndex);
        segments.addLast(active);
        if (committed == null) {
          committed = new Position(active, 0, active.baseIndex());
          readPosition = committed;
        }
      }
      long now = clock.millis();
      long index = active.append(now, payload);
      nextAppendIndex = index + 1;
      dirty = true;
      if (now - lastForceMillis >= options.fsyncIntervalMillis()) {
        force(now);
      }
      return index;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot append to capture spool " + options.dir(), e);
    }
  }

  /**
   * Reads up to {@code maxRecords} records (and at least one if any is available, else up to {@code
   * maxBytes} payload bytes) from the read position and advances it. The records stay in the spool
   * until {@link #commit}ted.
   *
   * <p>A record damaged after start-up (CRC32C mismatch, impossible length) is logged at ERROR and
   * skipped, so one bad sector cannot stop the drain.
   *
   * @throws UncheckedIOException if the segment file cannot be read at all
   */
  public synchronized List<SpoolRecord> read(int maxRecords, long maxBytes) {
    ensureOpen();
    List<SpoolRecord> out = new ArrayList<>();
    long bytes = 0;
    try {
      while (readPosition != null
          && out.size() < maxRecords
          && readPosition.index() < nextAppendIndex) {
        Position p = normalise(readPosition);
        if (p.offset() >= p.segment().size()) {
          readPosition = p;
          break;
        }
        SpoolRecord record;
        try {
          record = p.segment().readAt(p.offset(), p.index());
        } catch (Segment.CorruptRecordException e) {
          readPosition = skipCorrupt(p, e);
          readAhead.addLast(readPosition);
          continue;
        }
        if (!out.isEmpty() && bytes + record.payload().length > maxBytes) {
          break;
        }
        out.add(record);
        bytes += record.payload().length;
        readPosition =
            new Position(
                p.segment(),
                p.offset() + Segment.HEADER_BYTES + record.payload().length,
                p.index() + 1);
        readAhead.addLast(readPosition);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read capture spool " + options.dir(), e);
    }
    return out;
  }

  /**
   * Logs and steps over a record damaged after start-up: to the next record, or the segment end.
   */
  private Position skipCorrupt(Position p, Segment.CorruptRecordException e) {
    Position next =
        e.nextPosition >= 0
            ? new Position(p.segment(), e.nextPosition, p.index() + 1)
            : new Position(p.segment(), p.segment().size(), p.segment().endIndex());
    log.error(
        "{}; skipping {} spooled record(s) from index {} (they cannot be read back)",
        e.getMessage(),
        next.index() - p.index(),
        p.index());
    return next;
  }

  /**
   * Moves the read position back to the oldest uncommitted record (to re-deliver after a failure).
   */
  public synchronized void rewind() {
    readAhead.clear();
    readPosition = committed;
  }

  /**
   * Marks every record with an index below {@code nextIndex} as delivered: persists the cursor and
   * deletes fully delivered segments. Only records already handed out by {@link #read} can be
   * committed.
   *
   * @throws IllegalArgumentException if {@code nextIndex} is beyond the records read so far
   * @throws UncheckedIOException if the cursor cannot be written
   */
  public synchronized void commit(long nextIndex) {
    ensureOpen();
    if (committed == null || nextIndex <= committed.index()) {
      return;
    }
    Position target = null;
    while (!readAhead.isEmpty() && readAhead.peekFirst().index() <= nextIndex) {
      target = readAhead.pollFirst();
      if (target.index() == nextIndex) {
        break;
      }
    }
    if (target == null || target.index() != nextIndex) {
      throw new IllegalArgumentException(
          "Cannot commit up to index " + nextIndex + ": records not read yet");
    }
    try {
      cursor.store(nextIndex);
      committed = normalise(target);
      if (readAhead.isEmpty()) {
        readPosition = committed;
      }
      while (segments.size() > 1 && committed.segment() != segments.peekFirst()) {
        segments.pollFirst().delete();
      }
      if (committed.index() == nextAppendIndex && committed.offset() > 0) {
        // Everything delivered: drop the active segment too, so an empty spool takes no disk.
        segments.pollFirst().delete();
        committed = null;
        readPosition = null;
        readAhead.clear();
        dirty = false;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot commit capture spool " + options.dir(), e);
    }
  }

  /** Forces appended records to disk if the fsync interval has passed since the last force. */
  public synchronized void flushIfDue() {
    if (closed || !dirty) {
      return;
    }
    long now = clock.millis();
    if (now - lastForceMillis >= options.fsyncIntervalMillis()) {
      try {
        force(now);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot fsync capture spool " + options.dir(), e);
      }
    }
  }

  /** Forces all appended records to disk now. */
  public synchronized void flush() {
    if (closed) {
      return;
    }
    try {
      force(clock.millis());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot fsync capture spool " + options.dir(), e);
    }
  }

  private void force(long now) throws IOException {
    Segment active = segments.peekLast();
    if (active != null && dirty) {
      active.force();
    }
    dirty = false;
    lastForceMillis = now;
  }

  /** Number of records not yet committed. */
  public synchronized long depthRecords() {
    long total = 0;
    for (Segment s : segments) {
      total += s.recordCount();
    }
    if (committed != null && !segments.isEmpty()) {
      total -= committed.index() - segments.peekFirst().baseIndex();
    }
    return total;
  }

  /** Bytes (headers included) of the records not yet committed. */
  public synchronized long depthBytes() {
    long total = diskBytes();
    if (committed != null && !segments.isEmpty() && committed.segment() == segments.peekFirst()) {
      total -= committed.offset();
    }
    return total;
  }

  /** Bytes of all segment files together: what counts against the cap. */
  public synchronized long diskBytes() {
    long total = 0;
    for (Segment s : segments) {
      total += s.size();
    }
    return total;
  }

  /** Bytes that can still be appended (headers included) before the cap is reached. */
  public synchronized long remainingBytes() {
    return Math.max(0, options.maxBytes() - diskBytes());
  }

  /** True when every appended record has been committed. */
  public synchronized boolean isEmpty() {
    return depthRecords() == 0;
  }

  /** True when every appended record has been handed out by {@link #read}. */
  public synchronized boolean isFullyRead() {
    return readPosition == null || readPosition.index() >= nextAppendIndex;
  }

  /** Index the next appended record will get. */
  public synchronized long nextIndex() {
    return nextAppendIndex;
  }

  /** Append time (epoch milliseconds) of the oldest uncommitted record, if any. */
  public synchronized OptionalLong oldestAppendTimeMillis() {
    if (closed || committed == null || committed.index() >= nextAppendIndex) {
      return OptionalLong.empty();
    }
    try {
      Position p = normalise(committed);
      return OptionalLong.of(p.segment().appendTimeAt(p.offset()));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read capture spool " + options.dir(), e);
    }
  }

  /** The settings this spool was opened with. */
  public SpoolOptions options() {
    return options;
  }

  /** Forces outstanding appends to disk and closes the files. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    IOException failure = null;
    try {
      force(clock.millis());
    } catch (IOException e) {
      failure = e;
    }
    closed = true;
    for (Segment s : segments) {
      try {
        s.close();
      } catch (IOException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw new UncheckedIOException("Cannot close capture spool " + options.dir(), failure);
    }
  }

  /** Moves a position at the end of a non-last segment to the start of the next segment. */
  private Position normalise(Position p) {
    if (p == null) {
      return null;
    }
    Position current = p;
    while (current.offset() >= current.segment().size()
        && current.segment() != segments.peekLast()) {
      Segment next = null;
      boolean found = false;
      for (Segment s : segments) {
        if (found) {
          next = s;
          break;
        }
        found = s == current.segment();
      }
      if (next == null) {
        break;
      }
      current = new Position(next, 0, next.baseIndex());
    }
    return current;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("Spool " + options.dir() + " is closed");
    }
  }
}
