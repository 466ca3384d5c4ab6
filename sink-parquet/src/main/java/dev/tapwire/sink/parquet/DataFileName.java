package dev.tapwire.sink.parquet;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The name of a committed data file, {@code <topic>+<partition>+<startOffset>+<endOffset><ext>}, as
 * Confluent's storage sinks name them. Both offsets are inclusive: the file holds rows from records
 * with offsets in {@code [startOffset, endOffset]} (offsets of dead-lettered records and of
 * transaction markers may be missing). These names are the sink's source of truth for where to
 * resume.
 *
 * @param topic Kafka topic (Kafka topic names never contain {@code +})
 * @param partition Kafka partition
 * @param startOffset offset of the first record in the file
 * @param endOffset offset of the last record in the file
 */
public record DataFileName(String topic, int partition, long startOffset, long endOffset) {

  private static final Pattern NAME =
      Pattern.compile("^([A-Za-z0-9._-]+)\\+(\\d+)\\+(\\d+)\\+(\\d+)(\\.[A-Za-z0-9]+)$");

  public DataFileName {
    if (partition < 0 || startOffset < 0 || endOffset < startOffset) {
      throw new IllegalArgumentException(
          "invalid file range " + topic + "+" + partition + "+" + startOffset + "+" + endOffset);
    }
  }

  /** The file name with {@code extension} (including its dot). */
  public String format(String extension) {
    return topic + "+" + partition + "+" + startOffset + "+" + endOffset + extension;
  }

  /** Parses a committed file name, or empty if {@code name} is not one (e.g. a temporary file). */
  public static Optional<DataFileName> parse(String name, String extension) {
    Matcher m = NAME.matcher(name);
    if (!m.matches() || !m.group(5).equals(extension)) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new DataFileName(
              m.group(1),
              Integer.parseInt(m.group(2)),
              Long.parseLong(m.group(3)),
              Long.parseLong(m.group(4))));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
