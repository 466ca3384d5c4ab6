package dev.tapwire.cli.status;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Samples from the Prometheus text exposition format 0.0.4 (prometheus.io/docs/instrumenting/
 * exposition_formats): {@code name{labels} value [timestamp]} lines, {@code #} comments skipped.
 */
public final class PrometheusText {
  private final Map<String, Double> sums = new HashMap<>();

  private PrometheusText() {}

  /** Parses {@code text}; malformed lines are skipped. */
  public static PrometheusText parse(String text) {
    PrometheusText parsed = new PrometheusText();
    for (String line : text.split("\n")) {
      line = line.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int nameEnd = 0;
      while (nameEnd < line.length()
          && line.charAt(nameEnd) != '{'
          && !Character.isWhitespace(line.charAt(nameEnd))) {
        nameEnd++;
      }
      String name = line.substring(0, nameEnd);
      int valueStart =
          line.charAt(Math.min(nameEnd, line.length() - 1)) == '{'
              ? line.indexOf('}', nameEnd) + 1
              : nameEnd;
      if (valueStart <= 0) {
        continue;
      }
      String[] rest = line.substring(valueStart).strip().split("\\s+");
      try {
        double value = Double.parseDouble(rest[0]);
        parsed.sums.merge(name, value, Double::sum);
      } catch (NumberFormatException e) {
        // not a sample line (e.g. a future format feature): ignored by design
      }
    }
    return parsed;
  }

  /** The sum over all label sets of metric {@code name}, if present. */
  public OptionalDouble sum(String name) {
    Double value = sums.get(name);
    return value == null ? OptionalDouble.empty() : OptionalDouble.of(value);
  }
}
