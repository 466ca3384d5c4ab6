package dev.tapwire.replay.observe;

import java.util.Map;
import java.util.TreeMap;

/**
 * Every {@link ObservedSchema} of one run, by {@link ObservationKey}, plus counters of what could
 * not be observed (bodies that are not JSON, failed content decoding); counters only, no values.
 */
public final class Observation {
  private final Map<ObservationKey, ObservedSchema> schemas = new TreeMap<>();
  private final Map<String, Long> counters = new TreeMap<>();

  /** The schema of {@code key}, created on first use. */
  public ObservedSchema schema(ObservationKey key) {
    return schemas.computeIfAbsent(key, k -> new ObservedSchema());
  }

  /** Adds {@code n} to the counter {@code name} (e.g. {@code flows}, {@code bodies_not_json}). */
  public void count(String name, long n) {
    counters.merge(name, n, Long::sum);
  }

  /** Key → schema, sorted by operation, client, version, direction. */
  public Map<ObservationKey, ObservedSchema> schemas() {
    return schemas;
  }

  /** Counter name → value, sorted. */
  public Map<String, Long> counters() {
    return counters;
  }

  /** The schemas merged over client versions, by group (what drift compares). */
  public Map<ObservationKey.Group, ObservedSchema> byGroup() {
    Map<ObservationKey.Group, ObservedSchema> groups = new TreeMap<>();
    schemas.forEach(
        (k, s) -> groups.computeIfAbsent(k.group(), g -> new ObservedSchema()).merge(s));
    return groups;
  }
}
