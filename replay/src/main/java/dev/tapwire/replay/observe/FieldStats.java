package dev.tapwire.replay.observe;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What was observed at one field path of one {@link ObservedSchema}: in how many documents it was
 * present, how many times it occurred (array elements count once each), its JSON types, the {@link
 * StringFormat}s of its string occurrences, first and last seen, example flows per type and per
 * format, and (only under {@code content_block_delta}'s {@code delta}) the delta types it occurred
 * in. Never holds a value.
 */
public final class FieldStats {
  private final Seen documents = new Seen();
  private long occurrences;
  private final Map<String, Seen> types = new TreeMap<>();
  private final Map<String, Seen> formats = new TreeMap<>();
  private final Set<String> deltaTypes = new TreeSet<>();

  /** Counts the path once for a document (call once per document in which it occurs). */
  public void presentIn(String flowId, Instant at) {
    documents.see(flowId, at);
  }

  /**
   * Counts one occurrence.
   *
   * @param type the JSON type: object, array, string, integer, number, boolean or null
   * @param format the string format, or null for non-strings
   * @param deltaType the content_block_delta delta type this occurrence lies under, or null
   */
  public void occurrence(String type, String format, String deltaType, String flowId, Instant at) {
    occurrences++;
    types.computeIfAbsent(type, t -> new Seen()).see(flowId, at);
    if (format != null) {
      formats.computeIfAbsent(format, f -> new Seen()).see(flowId, at);
    }
    if (deltaType != null) {
      deltaTypes.add(deltaType);
    }
  }

  /** Adds another path's statistics into this one (merging client versions). */
  public void merge(FieldStats other) {
    documents.merge(other.documents);
    occurrences += other.occurrences;
    other.types.forEach((k, v) -> types.computeIfAbsent(k, t -> new Seen()).merge(v));
    other.formats.forEach((k, v) -> formats.computeIfAbsent(k, f -> new Seen()).merge(v));
    deltaTypes.addAll(other.deltaTypes);
  }

  /** Restores the occurrence count read back from a report. */
  void restoreOccurrences(long n) {
    occurrences += n;
  }

  /** Restores delta types read back from a report. */
  void restoreDeltaTypes(Iterable<String> types) {
    types.forEach(deltaTypes::add);
  }

  /** Documents in which the path was present, with first/last seen and examples. */
  public Seen documents() {
    return documents;
  }

  public long occurrences() {
    return occurrences;
  }

  /** JSON type → occurrences, sorted by type name. */
  public Map<String, Seen> types() {
    return types;
  }

  /** String format → occurrences, sorted by format name. */
  public Map<String, Seen> formats() {
    return formats;
  }

  /** Delta types under which the path occurred (content_block_delta only), sorted. */
  public Set<String> deltaTypes() {
    return deltaTypes;
  }
}
