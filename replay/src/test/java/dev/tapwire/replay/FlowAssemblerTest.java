package dev.tapwire.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.avro.CaptureMode;
import dev.tapwire.avro.ErrorKind;
import dev.tapwire.avro.FlowEnd;
import dev.tapwire.avro.FlowError;
import dev.tapwire.avro.FlowEvent;
import dev.tapwire.avro.RequestHead;
import dev.tapwire.avro.ResponseHead;
import dev.tapwire.avro.Termination;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class FlowAssemblerTest {
  private static final Instant T = Instant.parse("2026-11-15T10:00:00Z");

  private record Handed(String flowId, List<Long> seqs, boolean complete) {}

  private final List<Handed> handed = new ArrayList<>();
  private final FlowAssembler<Long> assembler =
      new FlowAssembler<>(
          e -> !((RequestHead) payloadOrHead(e)).getHost().equals("skip"),
          (id, events, complete) -> handed.add(new Handed(id, List.copyOf(events), complete)));

  private static Object payloadOrHead(FlowEvent e) {
    return e.getPayload() instanceof RequestHead ? e.getPayload() : head("x");
  }

  private static RequestHead head(String host) {
    return new RequestHead(
        "GET", "https", host, 443, "/", "HTTP/1.1", List.of(), "c", CaptureMode.MITM, "c", null);
  }

  private static FlowEnd end() {
    return FlowEnd.newBuilder()
        .setTermination(Termination.COMPLETE)
        .setRequestBytes(0)
        .setResponseBytes(0)
        .setRequestSha256("")
        .setResponseSha256("")
        .setTotalMicros(1)
        .build();
  }

  private void add(UUID flow, long seq, Object payload) {
    assembler.add(flow.toString(), new FlowEvent(flow, seq, "p", T, payload), seq);
  }

  @Test
  void shouldHandOverInterleavedFlowsWholeAtTheirFlowEnd() {
    UUID a = UUID.randomUUID();
    UUID b = UUID.randomUUID();
    add(a, 0, head("h"));
    add(b, 0, head("h"));
    add(a, 1, new ResponseHead(200, "OK", "HTTP/1.1", List.of(), 1L));
    add(b, 1, end());
    add(a, 2, end());

    assertThat(handed)
        .containsExactly(
            new Handed(b.toString(), List.of(0L, 1L), true),
            new Handed(a.toString(), List.of(0L, 1L, 2L), true));
    assertThat(assembler.openFlows()).isZero();
  }

  @Test
  void shouldDropEventsOfFlowsNotOpenedAndRepeatedSequenceNumbers() {
    UUID started = UUID.randomUUID();
    UUID skipped = UUID.randomUUID();
    UUID unseen = UUID.randomUUID();
    add(unseen, 3, end());
    add(skipped, 0, head("skip"));
    add(skipped, 1, end());
    add(started, 0, head("h"));
    add(started, 0, head("h"));
    add(started, 1, new ResponseHead(200, "OK", "HTTP/1.1", List.of(), 1L));
    add(started, 1, new ResponseHead(200, "OK", "HTTP/1.1", List.of(), 1L));
    add(started, 2, end());

    assertThat(handed).containsExactly(new Handed(started.toString(), List.of(0L, 1L, 2L), true));
  }

  @Test
  void shouldIgnoreAFlowRepublishedAfterItWasHandedOver() {
    UUID flow = UUID.randomUUID();
    add(flow, 0, head("h"));
    add(flow, 1, end());
    add(flow, 0, head("h"));
    add(flow, 1, end());
    assembler.finish();

    assertThat(handed).containsExactly(new Handed(flow.toString(), List.of(0L, 1L), true));
  }

  @Test
  void shouldTreatLoneFlowErrorAsCompleteAndHandOverOpenFlowsAsIncompleteAtFinish() {
    UUID error = UUID.randomUUID();
    UUID open = UUID.randomUUID();
    add(open, 0, head("h"));
    add(error, 0, new FlowError(ErrorKind.MALFORMED_REQUEST, "bad", null, null, 400));
    assembler.finish();

    assertThat(handed)
        .containsExactly(
            new Handed(error.toString(), List.of(0L), true),
            new Handed(open.toString(), List.of(0L), false));
  }
}
