package dev.tapwire.replay.range;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tapwire.avro.CaptureMode;
import dev.tapwire.avro.ErrorKind;
import dev.tapwire.avro.FlowError;
import dev.tapwire.avro.FlowEvent;
import dev.tapwire.avro.RequestHead;
import dev.tapwire.avro.Termination;
import dev.tapwire.avro.Tunnel;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class FlowSelectorTest {
  private static final Instant FROM = Instant.parse("2026-11-15T00:00:00Z");
  private static final Instant TO = Instant.parse("2026-11-16T00:00:00Z");
  private static final TimeRange DAY = new TimeRange(FROM, TO);

  private static FlowEvent event(long seq, Instant at, Object payload) {
    return new FlowEvent(UUID.randomUUID(), seq, "p", at, payload);
  }

  private static RequestHead head(String host, String path) {
    return new RequestHead(
        "POST",
        "https",
        host,
        443,
        path,
        "HTTP/1.1",
        List.of(),
        "127.0.0.1:1",
        CaptureMode.MITM,
        "c",
        null);
  }

  private static Tunnel tunnel(String host) {
    return new Tunnel(host, 443, "127.0.0.1:1", FROM, 1L, 1L, 1L, Termination.COMPLETE, null);
  }

  private static FlowError error(String target) {
    return new FlowError(ErrorKind.PORT_NOT_ALLOWED, "no", "127.0.0.1:1", target, 403);
  }

  @Test
  void shouldParseDatesAsUtcMidnightAndInstantsWithOffsets() {
    assertThat(TimeRange.parseTime("2026-11-15")).isEqualTo(FROM);
    assertThat(TimeRange.parseTime("2026-11-15T01:00:00+01:00")).isEqualTo(FROM);
    assertThat(TimeRange.parseTime("2026-11-15T00:00:00.000001Z")).isEqualTo(FROM.plusNanos(1000));
    assertThatThrownBy(() -> TimeRange.parseTime("yesterday"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ISO-8601");
  }

  @Test
  void shouldIncludeFromAndExcludeTo() {
    assertThat(DAY.contains(FROM)).isTrue();
    assertThat(DAY.contains(TO.minusNanos(1000))).isTrue();
    assertThat(DAY.contains(TO)).isFalse();
    assertThat(DAY.contains(FROM.minusNanos(1000))).isFalse();
    assertThat(DAY.fromMicros()).isEqualTo(FROM.toEpochMilli() * 1000);
    assertThatThrownBy(() -> new TimeRange(TO, FROM)).hasMessageContaining("must be after --from");
  }

  @Test
  void shouldSelectOnlySequenceZeroEventsStartedInRange() {
    FlowSelector all = FlowSelector.of(DAY);
    assertThat(all.selects(event(0, FROM, head("a", "/")))).isTrue();
    assertThat(all.selects(event(1, FROM, head("a", "/")))).isFalse();
    assertThat(all.selects(event(0, TO, head("a", "/")))).isFalse();
  }

  @Test
  void shouldMatchHostCaseInsensitivelyOnRequestsTunnelsAndErrorTargets() {
    FlowSelector host = new FlowSelector(DAY, Optional.of("API.anthropic.com"), Optional.empty());
    assertThat(host.selects(event(0, FROM, head("api.Anthropic.com", "/v1")))).isTrue();
    assertThat(host.selects(event(0, FROM, head("api.openai.com", "/v1")))).isFalse();
    assertThat(host.selects(event(0, FROM, tunnel("api.anthropic.com")))).isTrue();
    assertThat(host.selects(event(0, FROM, error("api.anthropic.com:8443")))).isTrue();
    assertThat(host.selects(event(0, FROM, error("example.com:22")))).isFalse();
    assertThat(host.selects(event(0, FROM, error(null)))).isFalse();
  }

  @Test
  void shouldApplyPathPrefixToRequestsOnlyAndDropTunnelsAndErrors() {
    FlowSelector path = new FlowSelector(DAY, Optional.empty(), Optional.of("/v1/messages"));
    assertThat(path.selects(event(0, FROM, head("a", "/v1/messages?beta=true")))).isTrue();
    assertThat(path.selects(event(0, FROM, head("a", "/api/event_logging")))).isFalse();
    assertThat(path.selects(event(0, FROM, tunnel("a")))).isFalse();
    assertThat(path.selects(event(0, FROM, error("a:443")))).isFalse();
    FlowSelector blank = new FlowSelector(DAY, Optional.of(" "), Optional.of(""));
    assertThat(blank.selects(event(0, FROM, tunnel("a")))).isTrue();
  }
}
