package dev.tapwire.replay.drift;

import dev.tapwire.replay.observe.FieldStats;
import dev.tapwire.replay.observe.Observation;
import dev.tapwire.replay.observe.ObservationKey;
import dev.tapwire.replay.observe.ObservedSchema;
import dev.tapwire.replay.observe.Seen;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compares a current {@link Observation} with a baseline, group by group (operation, direction and
 * client name, client versions merged, so traffic of a new client version is compared with what the
 * older versions sent).
 *
 * <p>Rules: a group only in one side is {@code GROUP_ADDED}/{@code GROUP_REMOVED} (for SSE
 * directions {@code SSE_EVENT_ADDED}/{@code REMOVED}) and its fields are not listed one by one. A
 * new path is {@code FIELD_ADDED} unless its parent path is new too (then it is listed in the
 * parent's change), or it lies under {@code content_block_delta.delta} and occurred only in new
 * delta types (then it is listed in the {@code DELTA_TYPE_ADDED} change). {@code TYPE_CHANGED} and
 * {@code FORMAT_CHANGED} report JSON types and string formats seen now that the baseline never saw
 * at that path (an {@code integer} where the baseline had {@code number} is not a change); a type
 * or format merely not seen again is not reported, since a sample cannot prove absence.
 */
public final class DriftDetector {
  private DriftDetector() {}

  /** The changes from {@code baseline} to {@code current}, in report order. */
  public static List<Change> compare(Observation baseline, Observation current) {
    Map<ObservationKey.Group, ObservedSchema> before = baseline.byGroup();
    Map<ObservationKey.Group, ObservedSchema> after = current.byGroup();
    List<Change> changes = new ArrayList<>();
    for (Map.Entry<ObservationKey.Group, ObservedSchema> e : after.entrySet()) {
      ObservedSchema old = before.get(e.getKey());
      if (old == null) {
        boolean sse = e.getKey().direction().startsWith(ObservationKey.SSE_PREFIX);
        changes.add(
            new Change(
                sse ? Change.Kind.SSE_EVENT_ADDED : Change.Kind.GROUP_ADDED,
                e.getKey(),
                sse ? e.getKey().direction().substring(ObservationKey.SSE_PREFIX.length()) : "$",
                List.of(),
                List.of(),
                e.getValue().documents().examples().flowIds()));
      } else {
        compareSchemas(e.getKey(), old, e.getValue(), changes);
      }
    }
    for (Map.Entry<ObservationKey.Group, ObservedSchema> e : before.entrySet()) {
      if (!after.containsKey(e.getKey())) {
        boolean sse = e.getKey().direction().startsWith(ObservationKey.SSE_PREFIX);
        changes.add(
            new Change(
                sse ? Change.Kind.SSE_EVENT_REMOVED : Change.Kind.GROUP_REMOVED,
                e.getKey(),
                sse ? e.getKey().direction().substring(ObservationKey.SSE_PREFIX.length()) : "$",
                List.of(),
                List.of(),
                e.getValue().documents().examples().flowIds()));
      }
    }
    changes.sort(
        java.util.Comparator.comparing(Change::kind)
            .thenComparing(Change::group)
            .thenComparing(Change::path));
    return changes;
  }

  private static void compareSchemas(
      ObservationKey.Group group, ObservedSchema old, ObservedSchema now, List<Change> changes) {
    Set<String> newDeltaTypes = new TreeSet<>(now.deltaTypes().keySet());
    newDeltaTypes.removeAll(old.deltaTypes().keySet());
    Map<String, List<String>> foldedIntoDelta = new java.util.TreeMap<>();
    newDeltaTypes.forEach(t -> foldedIntoDelta.put(t, new ArrayList<>()));

    Set<String> added = new TreeSet<>(now.fields().keySet());
    added.removeAll(old.fields().keySet());
    Set<String> reported = new HashSet<>();
    for (String path : added) {
      FieldStats stats = now.fields().get(path);
      if (!stats.deltaTypes().isEmpty() && newDeltaTypes.containsAll(stats.deltaTypes())) {
        stats.deltaTypes().forEach(t -> foldedIntoDelta.get(t).add(path));
        continue;
      }
      String topmost = topmostAdded(path, added);
      if (!topmost.equals(path)) {
        continue; // listed in the change of its new ancestor
      }
      List<String> nested = new ArrayList<>();
      for (String other : added) {
        if (!other.equals(path) && isUnder(other, path)) {
          nested.add(other);
        }
      }
      reported.add(path);
      changes.add(
          new Change(
              Change.Kind.FIELD_ADDED,
              group,
              path,
              List.of(),
              nested,
              stats.documents().examples().flowIds()));
    }
    for (String type : newDeltaTypes) {
      changes.add(
          new Change(
              Change.Kind.DELTA_TYPE_ADDED,
              group,
              type,
              List.of(),
              foldedIntoDelta.get(type),
              now.deltaTypes().get(type).examples().flowIds()));
    }
    Set<String> removed = new TreeSet<>(old.fields().keySet());
    removed.removeAll(now.fields().keySet());
    for (String path : removed) {
      if (!topmostAdded(path, removed).equals(path)) {
        continue;
      }
      changes.add(
          new Change(
              Change.Kind.FIELD_REMOVED,
              group,
              path,
              List.of(),
              List.of(),
              old.fields().get(path).documents().examples().flowIds()));
    }
    for (Map.Entry<String, FieldStats> e : now.fields().entrySet()) {
      FieldStats was = old.fields().get(e.getKey());
      if (was == null) {
        continue;
      }
      FieldStats is = e.getValue();
      List<String> newTypes = new ArrayList<>();
      for (String type : is.types().keySet()) {
        boolean known =
            was.types().containsKey(type)
                || (type.equals("integer") && was.types().containsKey("number"));
        if (!known) {
          newTypes.add(type);
        }
      }
      if (!newTypes.isEmpty()) {
        changes.add(
            new Change(
                Change.Kind.TYPE_CHANGED,
                group,
                e.getKey(),
                List.copyOf(was.types().keySet()),
                List.copyOf(is.types().keySet()),
                examples(is.types(), newTypes)));
      }
      List<String> newFormats = new ArrayList<>();
      for (String format : is.formats().keySet()) {
        if (!was.formats().containsKey(format)) {
          newFormats.add(format);
        }
      }
      if (!newFormats.isEmpty() && !was.formats().isEmpty()) {
        changes.add(
            new Change(
                Change.Kind.FORMAT_CHANGED,
                group,
                e.getKey(),
                List.copyOf(was.formats().keySet()),
                List.copyOf(is.formats().keySet()),
                examples(is.formats(), newFormats)));
      }
    }
  }

  private static List<String> examples(Map<String, Seen> seen, List<String> names) {
    Set<String> ids = new java.util.LinkedHashSet<>();
    for (String name : names) {
      ids.addAll(seen.get(name).examples().flowIds());
    }
    return List.copyOf(ids).subList(0, Math.min(ids.size(), 3));
  }

  /** The outermost ancestor of {@code path} (or the path itself) that is in {@code set}. */
  private static String topmostAdded(String path, Set<String> set) {
    String top = path;
    for (String p = parentOf(path); !p.equals("$"); p = parentOf(p)) {
      if (set.contains(p)) {
        top = p;
      }
    }
    return top;
  }

  private static boolean isUnder(String path, String ancestor) {
    for (String p = parentOf(path); !p.equals("$"); p = parentOf(p)) {
      if (p.equals(ancestor)) {
        return true;
      }
    }
    return false;
  }

  private static String parentOf(String path) {
    if (path.endsWith("[]")) {
      String parent = path.substring(0, path.length() - 2);
      return parent.isEmpty() ? "$" : parent;
    }
    int dot = path.lastIndexOf('.');
    return dot < 0 ? "$" : path.substring(0, dot);
  }
}
