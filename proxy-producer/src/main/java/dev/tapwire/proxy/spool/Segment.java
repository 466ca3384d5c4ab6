package dev.tapwire.proxy.spool;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One append-only segment file of a {@link Spool}: a sequence of records, each a 16-byte header
 * (payload length int32, CRC32C int32 over the append time and the payload, append time int64
 * milliseconds since the epoch; all big-endian) followed by the payload. The file name is the
 * global index of its first record, zero-padded to 20 digits, with the suffix {@code .seg}.
 *
 * <p>Not thread-safe; the owning {@link Spool} serialises access.
 */
final class Segment implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(Segment.class);

  static final String SUFFIX = ".seg";
  static final int HEADER_BYTES = 16;

  /** Sanity limit on one payload; a larger length field can only be garbage. */
  static final int MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;

  private final Path path;
  private final long baseIndex;
  private final FileChannel channel;
  private long size;
  private long recordCount;

  private Segment(Path path, long baseIndex, FileChannel channel, long size, long recordCount) {
    this.path = path;
    this.baseIndex = baseIndex;
    this.channel = channel;
    this.size = size;
    this.recordCount = recordCount;
  }

  static String fileName(long baseIndex) {
    return String.format("%020d%s", baseIndex, SUFFIX);
  }

  /** Parses the base index from a segment file name, or returns -1 if it is not one. */
  static long parseBaseIndex(Path file) {
    String name = file.getFileName().toString();
    if (!name.endsWith(SUFFIX) || name.length() != 20 + SUFFIX.length()) {
      return -1;
    }
    try {
      return Long.parseLong(name.substring(0, 20));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Creates a new, empty segment file. */
  static Segment create(Path dir, long baseIndex) throws IOException {
    Path path = dir.resolve(fileName(baseIndex));
    FileChannel channel =
        FileChannel.open(
            path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
    return new Segment(path, baseIndex, channel, 0, 0);
  }

  /**
   * Opens an existing segment and validates every record. A torn or corrupted record (short header,
   * impossible length, payload cut short, CRC mismatch) and everything after it is cut off with a
   * WARN: that is what a crash in the middle of an append leaves behind.
   */
  static Segment recover(Path path, long baseIndex) throws IOException {
    FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
    long fileSize = channel.size();
    long position = 0;
    long count = 0;
    ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
    String problem = null;
    while (position < fileSize) {
      if (fileSize - position < HEADER_BYTES) {
        problem = "incomplete record header";
        break;
      }
      readFully(channel, header.clear(), position);
      int length = header.getInt(0);
      int crc = header.getInt(4);
      long appendTime = header.getLong(8);
      if (length < 0 || length > MAX_PAYLOAD_BYTES) {
        problem = "impossible record length " + length;
        break;
      }
      if (fileSize - position - HEADER_BYTES < length) {
        problem = "record payload cut short";
        break;
      }
      ByteBuffer payload = ByteBuffer.allocate(length);
      readFully(channel, payload, position + HEADER_BYTES);
      if (crc(appendTime, payload.array()) != crc) {
        problem = "CRC32C mismatch";
        break;
      }
      position += HEADER_BYTES + length;
      count++;
    }
    if (problem != null) {
      log.warn(
          "Spool segment {}: {} at byte {}; truncating {} trailing bytes (records {} and later"
              + " of this segment were not completely written, e.g. after a crash)",
          path,
          problem,
          position,
          fileSize - position,
          baseIndex + count);
      channel.truncate(position);
      channel.force(true);
    }
    return new Segment(path, baseIndex, channel, position, count);
  }

  /**
   * Appends one record at the end of the file (no fsync).
   *
   * @return the record's global index
   */
  long append(long appendTimeMillis, byte[] payload) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(HEADER_BYTES + payload.length);
    buffer.putInt(payload.length);
    buffer.putInt(crc(appendTimeMillis, payload));
    buffer.putLong(appendTimeMillis);
    buffer.put(payload);
    buffer.flip();
    long position = size;
    while (buffer.hasRemaining()) {
      position += channel.write(buffer, position);
    }
    size = position;
    return baseIndex + recordCount++;
  }

  /**
   * Reads the record whose header starts at {@code position}.
   *
   * @param index the global index the caller expects at that position
   * @throws CorruptRecordException if the bytes there are not a valid record (disk corruption after
   *     start-up)
   */
  SpoolRecord readAt(long position, long index) throws IOException {
    ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
    readFully(channel, header, position);
    int length = header.getInt(0);
    int crc = header.getInt(4);
    long appendTime = header.getLong(8);
    if (length < 0 || position + HEADER_BYTES + length > size) {
      throw new CorruptRecordException(
          "Spool segment " + path + ": invalid record length " + length + " at byte " + position,
          -1);
    }
    ByteBuffer payload = ByteBuffer.allocate(length);
    readFully(channel, payload, position + HEADER_BYTES);
    if (crc(appendTime, payload.array()) != crc) {
      throw new CorruptRecordException(
          "Spool segment " + path + ": CRC32C mismatch at byte " + position,
          position + HEADER_BYTES + length);
    }
    return new SpoolRecord(index, appendTime, payload.array());
  }

  /** A record damaged after start-up (disk corruption), found while reading. */
  static final class CorruptRecordException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Where the next record starts, or -1 when the record's length is unusable. */
    final long nextPosition;

    CorruptRecordException(String message, long nextPosition) {
      super(message);
      this.nextPosition = nextPosition;
    }
  }

  /** Returns the append time of the record whose header starts at {@code position}. */
  long appendTimeAt(long position) throws IOException {
    ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
    readFully(channel, header, position);
    return header.getLong(8);
  }

  /** Returns the byte position just after the record whose header starts at {@code position}. */
  long nextPosition(long position) throws IOException {
    ByteBuffer header = ByteBuffer.allocate(4);
    readFully(channel, header, position);
    return position + HEADER_BYTES + header.getInt(0);
  }

  void force() throws IOException {
    channel.force(false);
  }

  long baseIndex() {
    return baseIndex;
  }

  /** The index the next appended record would get. */
  long endIndex() {
    return baseIndex + recordCount;
  }

  long recordCount() {
    return recordCount;
  }

  long size() {
    return size;
  }

  Path path() {
    return path;
  }

  /** Closes and deletes the file. */
  void delete() throws IOException {
    channel.close();
    Files.deleteIfExists(path);
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  static int crc(long appendTimeMillis, byte[] payload) {
    CRC32C crc = new CRC32C();
    ByteBuffer time = ByteBuffer.allocate(8).putLong(0, appendTimeMillis);
    crc.update(time);
    crc.update(payload, 0, payload.length);
    return (int) crc.getValue();
  }

  private static void readFully(FileChannel channel, ByteBuffer buffer, long position)
      throws IOException {
    long p = position;
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, p);
      if (n < 0) {
        throw new IOException("Unexpected end of spool segment at byte " + p);
      }
      p += n;
    }
    buffer.flip();
  }
}
