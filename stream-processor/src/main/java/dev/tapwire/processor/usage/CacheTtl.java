package dev.tapwire.processor.usage;

import java.util.Locale;

/** The two Anthropic prompt-cache lifetimes; cache writes are priced by TTL. */
public enum CacheTtl {
  FIVE_MINUTES("5m"),
  ONE_HOUR("1h");

  private final String text;

  CacheTtl(String text) {
    this.text = text;
  }

  /** The configuration spelling: {@code 5m} or {@code 1h}. */
  public String text() {
    return text;
  }

  /**
   * Parses {@code 5m} or {@code 1h}.
   *
   * @throws IllegalArgumentException for anything else
   */
  public static CacheTtl parse(String text) {
    for (CacheTtl ttl : values()) {
      if (ttl.text.equals(text.trim().toLowerCase(Locale.ROOT))) {
        return ttl;
      }
    }
    throw new IllegalArgumentException("cache TTL must be 5m or 1h, not " + text);
  }
}
