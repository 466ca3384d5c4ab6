package dev.tapwire.replay.kafka;

import dev.tapwire.avro.FlowEvent;
import dev.tapwire.replay.FlowAssembler;
import dev.tapwire.replay.FlowSource;
import dev.tapwire.replay.RecordedFlow;
import dev.tapwire.replay.ReplayProgress;
import dev.tapwire.replay.range.FlowSelector;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads flows from the raw topic by time.
 *
 * <p>Where to start: a flow's events are published after its start (the record timestamp is the
 * producer's send time, never before the event time; spooled events are published later still), so
 * every sequence-0 event of a flow started at or after {@code from} lies at or after the offset
 * that {@code offsetsForTimes(from)} returns in its partition (the scan starts {@link #CLOCK_SKEW}
 * earlier still, for record timestamps from another clock). Where to stop: at the end offsets taken
 * when the scan starts, or at the first record stamped later than {@code to + flowMargin} — the
 * margin bounds how long after its start a flow's last event may be published (flow duration plus
 * publishing delay). Flows still open then are replayed as incomplete.
 *
 * <p>Values are copied as they are (the original Confluent-wire-format bytes); each is also decoded
 * to decide on selection and completeness. A record that is not a FlowEvent is logged with its
 * topic, partition and offset, counted and skipped.
 */
public final class KafkaFlowSource implements FlowSource {
  /**
   * Read from this long before {@code from}, in case record timestamps come from a clock behind the
   * proxy's (a broker with {@code LogAppendTime}); records before the range are read but not
   * selected, since selection is on the event time.
   */
  public static final Duration CLOCK_SKEW = Duration.ofMinutes(1);

  private final TopicScanner scanner;
  private final String topic;
  private final FlowEventDecoder decoder;
  private final Duration flowMargin;

  /**
   * @param consumerProperties consumer settings ({@code bootstrap.servers} at least)
   * @param topic the raw topic, e.g. {@code tapwire.flows.raw}
   * @param deserializer FlowEvent deserializer (Confluent wire format)
   * @param flowMargin how long after the range's end to keep reading for flows still open
   */
  public KafkaFlowSource(
      Map<String, Object> consumerProperties,
      String topic,
      Deserializer<FlowEvent> deserializer,
      Duration flowMargin) {
    this.scanner = new TopicScanner(consumerProperties);
    this.topic = topic;
    this.decoder = new FlowEventDecoder(deserializer);
    this.flowMargin = flowMargin;
  }

  @Override
  public void forEachFlow(
      FlowSelector selector, Predicate<String> wanted, FlowSink sink, ReplayProgress progress) {
    FlowAssembler<Keyed> assembler =
        new FlowAssembler<>(
            first -> selector.selects(first) && wanted.test(first.getFlowId().toString()),
            (flowId, records, complete) -> sink.accept(toFlow(flowId, records, complete)));
    Instant stopAfter = selector.range().to().plus(flowMargin);
    scanner.scan(
        topic,
        Optional.of(selector.range().from().minus(CLOCK_SKEW)),
        Optional.of(stopAfter),
        record -> {
          FlowEvent event = decoder.decodeOrNull(record);
          if (event == null) {
            progress.undecodable();
            return;
          }
          assembler.add(
              event.getFlowId().toString(),
              event,
              new Keyed(
                  record.key(),
                  new RecordedFlow.Event(
                      event.getSeq(), event.getEventTime().toEpochMilli(), record.value())));
        },
        progress::scanned,
        progress::expect);
    assembler.finish();
  }

  private static RecordedFlow toFlow(String flowId, List<Keyed> keyed, boolean complete) {
    List<RecordedFlow.Event> events = new ArrayList<>(keyed.size());
    for (Keyed k : keyed) {
      events.add(k.event());
    }
    byte[] key = keyed.get(0).key();
    return new RecordedFlow(
        flowId, key != null ? key : flowId.getBytes(StandardCharsets.UTF_8), events, complete);
  }

  /** An event with the key bytes of its record. */
  private record Keyed(byte[] key, RecordedFlow.Event event) {}

  @Override
  public void close() {
    decoder.close();
  }
}
