package dev.tapwire.replay.drift;

import dev.tapwire.replay.observe.ObservationKey;
import java.util.List;

/**
 * One difference between a baseline and a current observation, within one group (operation,
 * direction, client name; client versions merged).
 *
 * @param kind what changed
 * @param group where
 * @param path the field path ({@code $} for the document), the SSE event type or the delta type
 * @param before the baseline's JSON types or string formats (empty when not applicable)
 * @param after the current JSON types or string formats, or the nested paths folded into this
 *     change (for an added field or a new delta type)
 * @param exampleFlowIds flows of the current observation (for removals: of the baseline) showing
 *     the change
 */
public record Change(
    Kind kind,
    ObservationKey.Group group,
    String path,
    List<String> before,
    List<String> after,
    List<String> exampleFlowIds) {

  /** The kinds of change, in report order. */
  public enum Kind {
    /** A (operation, direction, client) seen now but not in the baseline (not SSE). */
    GROUP_ADDED,
    /** A (operation, direction, client) of the baseline not seen now (not SSE). */
    GROUP_REMOVED,
    /** An SSE event type seen now but not in the baseline. */
    SSE_EVENT_ADDED,
    /** An SSE event type of the baseline not seen now. */
    SSE_EVENT_REMOVED,
    /** A {@code content_block_delta.delta.type} value seen now but not in the baseline. */
    DELTA_TYPE_ADDED,
    /** A field path seen now but not in the baseline (nested new paths are folded into it). */
    FIELD_ADDED,
    /** A field path of the baseline not seen now. */
    FIELD_REMOVED,
    /** A field seen now with a JSON type the baseline never had at that path. */
    TYPE_CHANGED,
    /** A string field seen now in a format the baseline never had at that path. */
    FORMAT_CHANGED
  }
}
