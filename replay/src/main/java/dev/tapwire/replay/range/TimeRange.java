package dev.tapwire.replay.range;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/**
 * A half-open time range {@code [from, to)}: {@code from} is included, {@code to} is not, so
 * consecutive ranges ({@code --from 2026-11-01 --to 2026-11-02}, then {@code --from 2026-11-02
 * ...}) never select a flow twice.
 *
 * @param from the first instant in the range
 * @param to the first instant after the range
 */
public record TimeRange(Instant from, Instant to) {

  /**
   * @throws IllegalArgumentException if {@code to} is not after {@code from}
   */
  public TimeRange {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    if (!to.isAfter(from)) {
      throw new IllegalArgumentException("--to (" + to + ") must be after --from (" + from + ")");
    }
  }

  /** True when {@code from <= instant < to}. */
  public boolean contains(Instant instant) {
    return !instant.isBefore(from) && instant.isBefore(to);
  }

  /**
   * Parses an ISO-8601 instant ({@code 2026-11-15T10:00:00Z}, an offset such as {@code +01:00} is
   * accepted) or an ISO-8601 date ({@code 2026-11-15}, meaning its start, 00:00 UTC).
   *
   * @throws IllegalArgumentException if the text is neither
   */
  public static Instant parseTime(String text) {
    Objects.requireNonNull(text, "time");
    String t = text.trim();
    try {
      if (t.length() == 10) {
        return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant();
      }
      return java.time.OffsetDateTime.parse(t).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "not an ISO-8601 instant (2026-11-15T10:00:00Z) or date (2026-11-15): " + text, e);
    }
  }

  /** Parses both ends with {@link #parseTime}. */
  public static TimeRange parse(String from, String to) {
    return new TimeRange(parseTime(from), parseTime(to));
  }

  /** {@code from} in microseconds since the epoch. */
  public long fromMicros() {
    return toMicros(from);
  }

  /** {@code to} in microseconds since the epoch. */
  public long toMicros() {
    return toMicros(to);
  }

  private static long toMicros(Instant instant) {
    return Math.addExact(
        Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1000);
  }
}
