package dev.tapwire.replay.observe;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * The observed shape of the JSON documents of one {@link ObservationKey}: documents seen, and per
 * field path its {@link FieldStats}. Paths: {@code $} is the document itself, {@code a.b} a member,
 * {@code a[]} the elements of an array; object member names that look like identifiers (UUIDs, long
 * hex, digits) or are not names (file paths, text: map keys that carry data) are replaced by {@code
 * *}. For {@code content_block_delta} the values of {@code delta.type} are counted as well (the one
 * value kept: an enumerated type tag, not content).
 */
public final class ObservedSchema {
  /** Paths beyond this many per key are counted in {@link #droppedPaths()}, not kept. */
  public static final int MAX_PATHS = 5000;

  private final Seen documents = new Seen();
  private final Map<String, FieldStats> fields = new TreeMap<>();
  private final Map<String, Seen> deltaTypes = new TreeMap<>();
  private long droppedPaths;

  /** Counts one document of flow {@code flowId}. */
  public void document(String flowId, Instant at) {
    documents.see(flowId, at);
  }

  /** The statistics of {@code path}, created on first use; null when the path cap is reached. */
  public FieldStats field(String path) {
    FieldStats stats = fields.get(path);
    if (stats == null) {
      if (fields.size() >= MAX_PATHS) {
        droppedPaths++;
        return null;
      }
      stats = new FieldStats();
      fields.put(path, stats);
    }
    return stats;
  }

  /** Counts one {@code content_block_delta} of delta type {@code type}. */
  public void deltaType(String type, String flowId, Instant at) {
    deltaTypes.computeIfAbsent(type, t -> new Seen()).see(flowId, at);
  }

  /** Adds another key's observation into this one (merging client versions). */
  public void merge(ObservedSchema other) {
    documents.merge(other.documents);
    other.fields.forEach((p, s) -> fields.computeIfAbsent(p, x -> new FieldStats()).merge(s));
    other.deltaTypes.forEach((t, s) -> deltaTypes.computeIfAbsent(t, x -> new Seen()).merge(s));
    droppedPaths += other.droppedPaths;
  }

  void restoreDroppedPaths(long n) {
    droppedPaths += n;
  }

  /** Documents seen, with first/last seen and example flows. */
  public Seen documents() {
    return documents;
  }

  /** Path → statistics, sorted by path. */
  public Map<String, FieldStats> fields() {
    return fields;
  }

  /** content_block_delta delta type → sightings, sorted. */
  public Map<String, Seen> deltaTypes() {
    return deltaTypes;
  }

  public long droppedPaths() {
    return droppedPaths;
  }
}
