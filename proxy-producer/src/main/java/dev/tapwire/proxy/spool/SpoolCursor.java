package dev.tapwire.proxy.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The persisted drain position of a {@link Spool}: the index of the first record not yet delivered.
 * Stored as 12 bytes (index int64, CRC32C int32 of the index) in the file {@code cursor}, replaced
 * atomically (written to {@code cursor.tmp}, forced, renamed) so a crash leaves either the old or
 * the new position.
 */
final class SpoolCursor {
  private static final Logger log = LoggerFactory.getLogger(SpoolCursor.class);
  static final String FILE = "cursor";
  private static final String TMP = "cursor.tmp";

  private final Path file;
  private final Path tmp;

  SpoolCursor(Path dir) {
    this.file = dir.resolve(FILE);
    this.tmp = dir.resolve(TMP);
  }

  /** Returns the stored index, or 0 when there is none or it is unreadable (logged). */
  long load() throws IOException {
    if (!Files.exists(file)) {
      return 0;
    }
    byte[] bytes = Files.readAllBytes(file);
    if (bytes.length != 12) {
      log.warn(
          "Spool cursor {} has {} bytes instead of 12; draining from the start",
          file,
          bytes.length);
      return 0;
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    long index = buffer.getLong(0);
    if (crc(index) != buffer.getInt(8)) {
      log.warn("Spool cursor {} fails its CRC32C check; draining from the start", file);
      return 0;
    }
    return index;
  }

  void store(long index) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(12).putLong(index).putInt(crc(index)).flip();
    try (FileChannel channel =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static int crc(long index) {
    CRC32C crc = new CRC32C();
    crc.update(ByteBuffer.allocate(8).putLong(0, index));
    return (int) crc.getValue();
  }
}
