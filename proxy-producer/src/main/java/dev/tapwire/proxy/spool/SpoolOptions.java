package dev.tapwire.proxy.spool;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Settings of a {@link Spool}.
 *
 * @param dir the directory holding segment files and the cursor file; created if missing; one spool
 *     per directory
 * @param maxBytes the cap on the bytes of all segment files together; an append that would exceed
 *     it throws {@link SpoolFullException}
 * @param segmentBytes size in bytes at which the active segment is closed and a new one started (a
 *     single record larger than this gets a segment of its own)
 * @param fsyncIntervalMillis appended records are forced to disk at most this many milliseconds
 *     after the append (on the next append or {@link Spool#flushIfDue()}); 0 forces every append
 */
public record SpoolOptions(Path dir, long maxBytes, int segmentBytes, long fsyncIntervalMillis) {

  /** Default segment size: 16 MiB. */
  public static final int DEFAULT_SEGMENT_BYTES = 16 * 1024 * 1024;

  /** Validates the settings. */
  public SpoolOptions {
    Objects.requireNonNull(dir, "dir");
    if (segmentBytes < 1024) {
      throw new IllegalArgumentException("segmentBytes must be at least 1024: " + segmentBytes);
    }
    if (maxBytes < segmentBytes) {
      throw new IllegalArgumentException(
          "maxBytes (" + maxBytes + ") must be at least segmentBytes (" + segmentBytes + ")");
    }
    if (fsyncIntervalMillis < 0) {
      throw new IllegalArgumentException("fsyncIntervalMillis must be >= 0");
    }
  }
}
