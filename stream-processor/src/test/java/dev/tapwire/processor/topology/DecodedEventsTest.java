package dev.tapwire.processor.topology;

import static dev.tapwire.processor.topology.FlowScript.headers;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.avro.FlowEvent;
import dev.tapwire.avro.Termination;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DecodedEventsTest {
  private final List<FlowEvent> events =
      FlowScript.start(Instant.parse("2026-11-15T10:00:00Z"))
          .request("GET", "api.anthropic.com", "/v1/models", headers())
          .end(Termination.COMPLETE)
          .events();
  private final UUID flowId = events.get(0).getFlowId();

  @Test
  void shouldReturnTheDecodedEventWhenTheStoredBytesAreEqual() {
    DecodedEvents cache = new DecodedEvents(1024);
    cache.put(StoreKeys.event(flowId, 0), new byte[] {1, 2, 3}, events.get(0));

    assertThat(cache.take(StoreKeys.event(flowId, 0), new byte[] {1, 2, 3}))
        .isSameAs(events.get(0));
    assertThat(cache.size()).isZero();
    assertThat(cache.bytes()).isZero();
  }

  @Test
  void shouldReturnNothingWhenTheStoredBytesDiffer() {
    DecodedEvents cache = new DecodedEvents(1024);
    cache.put(StoreKeys.event(flowId, 0), new byte[] {1, 2, 3}, events.get(0));

    assertThat(cache.take(StoreKeys.event(flowId, 0), new byte[] {1, 2, 4})).isNull();
    assertThat(cache.take(StoreKeys.event(flowId, 0), new byte[] {1, 2, 3})).isNull();
    assertThat(cache.take(StoreKeys.event(flowId, 1), new byte[] {1, 2, 3})).isNull();
  }

  @Test
  void shouldDropTheOldestEventsBeyondTheBound() {
    DecodedEvents cache = new DecodedEvents(10);
    cache.put(StoreKeys.event(flowId, 0), new byte[4], events.get(0));
    cache.put(StoreKeys.event(flowId, 1), new byte[4], events.get(1));
    cache.put(StoreKeys.event(flowId, 2), new byte[4], events.get(1));
    cache.put(StoreKeys.event(flowId, 3), new byte[11], events.get(1)); // larger than the bound

    assertThat(cache.size()).isEqualTo(2);
    assertThat(cache.bytes()).isEqualTo(8);
    assertThat(cache.take(StoreKeys.event(flowId, 0), new byte[4])).isNull();
    assertThat(cache.take(StoreKeys.event(flowId, 1), new byte[4])).isSameAs(events.get(1));
    assertThat(cache.take(StoreKeys.event(flowId, 3), new byte[11])).isNull();
  }

  @Test
  void shouldReplaceTheEntryOfAKeyPutAgain() {
    DecodedEvents cache = new DecodedEvents(1024);
    cache.put(StoreKeys.event(flowId, 0), new byte[4], events.get(0));
    cache.put(StoreKeys.event(flowId, 0), new byte[6], events.get(1));

    assertThat(cache.bytes()).isEqualTo(6);
    assertThat(cache.take(StoreKeys.event(flowId, 0), new byte[6])).isSameAs(events.get(1));
  }
}
