package dev.tapwire.replay.observe;

import java.util.ArrayList;
import java.util.List;

/** Up to {@value #MAX} distinct example flow ids, the first ones seen. */
public final class Examples {
  /** How many example flow ids are kept. */
  public static final int MAX = 3;

  private final List<String> flowIds = new ArrayList<>(MAX);

  /** Adds a flow id if there is room and it is new. */
  public void add(String flowId) {
    if (flowIds.size() < MAX && !flowIds.contains(flowId)) {
      flowIds.add(flowId);
    }
  }

  /** Adds every id of {@code other} (while there is room). */
  public void addAll(Examples other) {
    other.flowIds.forEach(this::add);
  }

  /** The ids, oldest first. */
  public List<String> flowIds() {
    return List.copyOf(flowIds);
  }
}
