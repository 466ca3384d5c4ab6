package dev.tapwire.replay.drift;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.avro.BodyPart;
import dev.tapwire.avro.CaptureMode;
import dev.tapwire.avro.Direction;
import dev.tapwire.avro.FlowEnd;
import dev.tapwire.avro.FlowEvent;
import dev.tapwire.avro.Header;
import dev.tapwire.avro.RequestHead;
import dev.tapwire.avro.ResponseHead;
import dev.tapwire.avro.Termination;
import dev.tapwire.replay.observe.Observation;
import dev.tapwire.replay.observe.ObservationJson;
import dev.tapwire.replay.observe.SchemaObserver;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drift rules on observations built from recorded request/response flows, through observed.json.
 */
class DriftDetectorTest {
  private static final Instant T = Instant.parse("2026-11-15T10:00:00Z");

  @TempDir Path dir;

  private static List<FlowEvent> flow(
      String userAgent, String path, String request, String response) {
    UUID id = UUID.randomUUID();
    List<FlowEvent> events = new ArrayList<>();
    events.add(
        new FlowEvent(
            id,
            0L,
            "p",
            T,
            new RequestHead(
                "POST",
                "https",
                "api.anthropic.com",
                443,
                path,
                "HTTP/1.1",
                List.of(new Header("User-Agent", userAgent)),
                "c",
                CaptureMode.MITM,
                "c",
                null)));
    events.add(
        new FlowEvent(
            id,
            1L,
            "p",
            T,
            new BodyPart(
                Direction.REQUEST, 0L, ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8)))));
    events.add(
        new FlowEvent(
            id,
            2L,
            "p",
            T,
            new ResponseHead(
                200,
                "OK",
                "HTTP/1.1",
                List.of(new Header("Content-Type", "application/json")),
                1L)));
    events.add(
        new FlowEvent(
            id,
            3L,
            "p",
            T,
            new BodyPart(
                Direction.RESPONSE,
                0L,
                ByteBuffer.wrap(response.getBytes(StandardCharsets.UTF_8)))));
    events.add(
        new FlowEvent(
            id,
            4L,
            "p",
            T,
            FlowEnd.newBuilder()
                .setTermination(Termination.COMPLETE)
                .setRequestBytes(0)
                .setResponseBytes(0)
                .setRequestSha256("")
                .setResponseSha256("")
                .setTotalMicros(1)
                .build()));
    return events;
  }

  private Observation observe(String version, String path, String request, String response) {
    Observation o = new Observation();
    new SchemaObserver(o)
        .observe(flow("claude-cli/" + version + " (external, cli)", path, request, response));
    return o;
  }

  /** Baselines go through observed.json, as the CLI reads them. */
  private Observation roundTrip(Observation o) throws Exception {
    ObservationJson.write(o, "t", dir);
    return ObservationJson.read(dir);
  }

  private static List<String> describe(List<Change> changes) {
    return changes.stream()
        .map(
            c ->
                c.kind()
                    + " "
                    + c.group().operation()
                    + " "
                    + c.group().direction()
                    + " "
                    + c.path()
                    + " "
                    + c.before()
                    + "->"
                    + c.after())
        .toList();
  }

  @Test
  void shouldReportNoDriftForTheSameShapeFromANewVersion() throws Exception {
    Observation before =
        roundTrip(
            observe("2.0.1", "/v1/messages", "{\"a\":1,\"b\":[{\"c\":\"x\"}]}", "{\"ok\":true}"));
    Observation after =
        observe("2.1.0", "/v1/messages", "{\"a\":2,\"b\":[{\"c\":\"yy\"}]}", "{\"ok\":false}");

    assertThat(DriftDetector.compare(before, after)).isEmpty();
  }

  @Test
  void shouldReportTypeChangesRemovalsAndNewGroupsButNotIntegerWhereNumberWasSeen()
      throws Exception {
    Observation before =
        roundTrip(
            observe(
                "2.0.1",
                "/v1/messages",
                "{\"n\":1.5,\"s\":\"x\",\"gone\":{\"deep\":1}}",
                "{\"ok\":true}"));
    Observation after = observe("2.1.0", "/v1/messages", "{\"n\":2,\"s\":7}", "{\"ok\":true}");
    after
        .schemas()
        .putAll(
            observe("2.1.0", "/v1/messages/count_tokens", "{\"m\":\"x\"}", "{\"t\":1}").schemas());

    assertThat(describe(DriftDetector.compare(before, after)))
        .containsExactly(
            "GROUP_ADDED count_tokens request $ []->[]",
            "GROUP_ADDED count_tokens response $ []->[]",
            "FIELD_REMOVED messages request gone []->[]",
            "TYPE_CHANGED messages request s [string]->[integer]");
  }

  @Test
  void shouldFoldNestedNewFieldsIntoTheirNewParent() throws Exception {
    Observation before = roundTrip(observe("2.0.1", "/v1/messages", "{\"a\":1}", "{}"));
    Observation after =
        observe("2.1.0", "/v1/messages", "{\"a\":1,\"x\":{\"y\":[{\"z\":true}]}}", "{}");

    List<Change> changes = DriftDetector.compare(before, after);

    assertThat(describe(changes))
        .containsExactly("FIELD_ADDED messages request x []->[x.y, x.y[], x.y[].z]");
    assertThat(changes.get(0).exampleFlowIds()).hasSize(1);
  }
}
