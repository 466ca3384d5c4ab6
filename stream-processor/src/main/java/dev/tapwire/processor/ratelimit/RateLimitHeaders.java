package dev.tapwire.processor.ratelimit;

import dev.tapwire.avro.Header;
import dev.tapwire.avro.RateLimits;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Rate-limit facts of a response (docs.anthropic.com "Rate limits"): every {@code
 * anthropic-ratelimit-*} and {@code anthropic-priority-*} header verbatim (names lower-cased), plus
 * the parsed unified-limit headers used by subscription (OAuth) traffic: {@code
 * anthropic-ratelimit-unified-status}, {@code -unified-5h-utilization}, {@code
 * -unified-7d-utilization} (fractions, e.g. 0.42) and {@code -unified-5h-reset} / {@code
 * -unified-7d-reset} (Unix epoch seconds, or RFC 3339). Unparseable values stay in the map only.
 */
public final class RateLimitHeaders {
  private static final String PREFIX = "anthropic-ratelimit-";
  private static final String PRIORITY = "anthropic-priority-";

  private RateLimitHeaders() {}

  /** Extracts the rate-limit group from the response headers (null means none). */
  public static RateLimits from(List<Header> responseHeaders) {
    Map<String, String> map = new LinkedHashMap<>();
    if (responseHeaders != null) {
      for (Header header : responseHeaders) {
        String name = header.getName().toLowerCase(Locale.ROOT);
        if (name.startsWith(PREFIX) || name.startsWith(PRIORITY)) {
          map.merge(name, header.getValue(), (a, b) -> a + ", " + b);
        }
      }
    }
    return RateLimits.newBuilder()
        .setHeaders(map)
        .setUnifiedStatus(map.get(PREFIX + "unified-status"))
        .setUnified5hUtilization(fraction(map.get(PREFIX + "unified-5h-utilization")))
        .setUnified7dUtilization(fraction(map.get(PREFIX + "unified-7d-utilization")))
        .setUnified5hReset(instant(map.get(PREFIX + "unified-5h-reset")))
        .setUnified7dReset(instant(map.get(PREFIX + "unified-7d-reset")))
        .build();
  }

  static Double fraction(String value) {
    if (value == null) {
      return null;
    }
    try {
      return Double.valueOf(value.trim());
    } catch (NumberFormatException e) {
      return null; // kept verbatim in the map
    }
  }

  static Instant instant(String value) {
    if (value == null) {
      return null;
    }
    String v = value.trim();
    try {
      if (v.chars().allMatch(Character::isDigit) && !v.isEmpty()) {
        return Instant.ofEpochSecond(Long.parseLong(v));
      }
      return Instant.parse(v);
    } catch (NumberFormatException | DateTimeParseException e) {
      return null; // kept verbatim in the map
    }
  }
}
