package dev.tapwire.replay.observe;

import java.time.Instant;

/**
 * How often something was seen and when first and last (flow start times), with example flows.
 * Never holds a value.
 */
public final class Seen {
  private long count;
  private Instant first;
  private Instant last;
  private final Examples examples = new Examples();

  /** Counts one sighting in flow {@code flowId} started at {@code at}. */
  public void see(String flowId, Instant at) {
    count++;
    if (first == null || at.isBefore(first)) {
      first = at;
    }
    if (last == null || at.isAfter(last)) {
      last = at;
    }
    examples.add(flowId);
  }

  /** Restores counts read back from a report. */
  public void restore(long count, Instant first, Instant last, Iterable<String> flowIds) {
    this.count += count;
    if (first != null && (this.first == null || first.isBefore(this.first))) {
      this.first = first;
    }
    if (last != null && (this.last == null || last.isAfter(this.last))) {
      this.last = last;
    }
    flowIds.forEach(examples::add);
  }

  /** Adds another tally into this one. */
  public void merge(Seen other) {
    restore(other.count, other.first, other.last, other.examples.flowIds());
  }

  public long count() {
    return count;
  }

  public Instant first() {
    return first;
  }

  public Instant last() {
    return last;
  }

  public Examples examples() {
    return examples;
  }
}
