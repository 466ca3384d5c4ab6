package dev.tapwire.processor.http;

import dev.tapwire.avro.Header;
import java.util.ArrayList;
import java.util.List;

/**
 * Case-insensitive lookups over a captured header list (RFC 9110 section 5.1: names are
 * case-insensitive).
 */
public final class Headers {
  private final List<Header> headers;

  /**
   * @param headers the headers in wire order; null means none
   */
  public Headers(List<Header> headers) {
    this.headers = headers == null ? List.of() : headers;
  }

  /** The first value of {@code name}, or null. */
  public String first(String name) {
    for (Header header : headers) {
      if (header.getName().equalsIgnoreCase(name)) {
        return header.getValue();
      }
    }
    return null;
  }

  /** All values of {@code name}, each split on commas and trimmed, blanks dropped. */
  public List<String> splitValues(String name) {
    List<String> values = new ArrayList<>();
    for (Header header : headers) {
      if (header.getName().equalsIgnoreCase(name)) {
        for (String part : header.getValue().split(",")) {
          if (!part.isBlank()) {
            values.add(part.trim());
          }
        }
      }
    }
    return values;
  }

  /** The underlying list in wire order. */
  public List<Header> all() {
    return headers;
  }
}
