package dev.tapwire.replay.range;

import dev.tapwire.avro.FlowError;
import dev.tapwire.avro.FlowEvent;
import dev.tapwire.avro.RequestHead;
import dev.tapwire.avro.Tunnel;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides from a flow's first event (sequence 0) whether the flow is replayed: its start (the first
 * event's {@code event_time}) must lie in the {@link TimeRange}, and the optional host and
 * path-prefix filters must match.
 *
 * <p>Filters: {@code host} is compared case-insensitively with the request head's host, a tunnel's
 * host, or the host part of a lone flow error's {@code target}; {@code pathPrefix} is matched
 * against the request head's path (with query) and so excludes tunnels and lone flow errors, which
 * have no path.
 *
 * @param range the time range of flow starts
 * @param host the host to keep, or empty for every host
 * @param pathPrefix the path prefix to keep, or empty for every path
 */
public record FlowSelector(TimeRange range, Optional<String> host, Optional<String> pathPrefix) {

  public FlowSelector {
    Objects.requireNonNull(range, "range");
    host = host.filter(h -> !h.isBlank()).map(h -> h.toLowerCase(Locale.ROOT));
    pathPrefix = pathPrefix.filter(p -> !p.isEmpty());
  }

  /** A selector of every flow started in {@code range}. */
  public static FlowSelector of(TimeRange range) {
    return new FlowSelector(range, Optional.empty(), Optional.empty());
  }

  /** True when the flow whose first event is {@code first} is to be replayed. */
  public boolean selects(FlowEvent first) {
    if (first.getSeq() != 0 || !range.contains(first.getEventTime())) {
      return false;
    }
    Object payload = first.getPayload();
    if (payload instanceof RequestHead head) {
      return hostMatches(head.getHost())
          && pathPrefix.map(p -> head.getPath().startsWith(p)).orElse(true);
    }
    if (pathPrefix.isPresent()) {
      return false;
    }
    if (payload instanceof Tunnel tunnel) {
      return hostMatches(tunnel.getHost());
    }
    if (payload instanceof FlowError error) {
      return host.isEmpty() || hostMatches(hostOf(error.getTarget()));
    }
    return host.isEmpty();
  }

  /** Same as {@link #selects} on the columns the Parquet archive keeps for sequence-0 rows. */
  public boolean hostMatches(String candidate) {
    return host.map(h -> candidate != null && h.equals(candidate.toLowerCase(Locale.ROOT)))
        .orElse(true);
  }

  private static String hostOf(String target) {
    if (target == null) {
      return null;
    }
    int colon = target.lastIndexOf(':');
    String h = colon > 0 ? target.substring(0, colon) : target;
    return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
  }
}
