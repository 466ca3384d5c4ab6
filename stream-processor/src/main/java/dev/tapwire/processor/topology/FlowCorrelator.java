package dev.tapwire.processor.topology;

import dev.tapwire.avro.CallRecord;
import dev.tapwire.avro.DeadLetter;
import dev.tapwire.avro.FlowEnd;
import dev.tapwire.avro.FlowError;
import dev.tapwire.avro.FlowEvent;
import dev.tapwire.avro.RequestHead;
import dev.tapwire.avro.Tunnel;
import dev.tapwire.processor.call.CallRecordBuilder;
import dev.tapwire.processor.call.FlowContents;
import dev.tapwire.serde.SchemaRegistryUnavailableException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Correlates the raw events of each flow into its call record (one per flow; one per result line
 * for a Message Batches results download, see {@link CallRecordBuilder#buildAll}). Sits between the
 * raw-events source and the two sinks (calls, dead letters) in {@link CallTopology}.
 *
 * <p>Per event: deserialize (failure → dead letter, stage {@code deserialize}; but an unreachable
 * schema registry fails the task instead, so the record is retried, never dead-lettered); drop
 * duplicates (a sequence number already accepted, or any event of a flow finished within the dedup
 * retention); dead-letter impossible sequences (stage {@code correlate}: a first event that is not
 * a request head, tunnel or flow error at seq 0; a gap; a second request head); store accepted
 * events as their original bytes under {@code flowId|seq} (so no store value exceeds the input
 * record's size, itself ≤ 1 MiB); on the flow end, read the flow's events back in order, build and
 * forward the call record, delete the flow's keys and remember the flow as finished.
 *
 * <p>Flows without a request head: a tunnel is not an API call and gives no call record (it stays
 * in the raw topic); a lone flow error (seq 0) gives its call record at once (outcome from the
 * error kind, normally PROXY_ERROR). A wall-clock punctuator emits flows idle longer than the flow
 * timeout as TIMED_OUT; idleness is measured from the later of the last event and the task's start,
 * so a restart after downtime does not time out flows whose remaining events are still in the
 * topic.
 */
final class FlowCorrelator implements Processor<byte[], byte[], String, Object> {
  private static final Logger log = LoggerFactory.getLogger(FlowCorrelator.class);

  private final Deserializer<FlowEvent> deserializer;
  private final CallRecordBuilder builder;
  private final DeadLetters deadLetters;
  private final Duration timeout;
  private final Duration punctuateInterval;
  private final Duration dedupRetention;

  private ProcessorContext<String, Object> context;
  private KeyValueStore<Bytes, byte[]> flowState;
  private KeyValueStore<Bytes, byte[]> flowEvents;
  private KeyValueStore<Bytes, Long> finished;
  private KeyValueStore<Bytes, byte[]> finishedByTime;
  private long taskStartMs;

  FlowCorrelator(
      Deserializer<FlowEvent> deserializer,
      CallRecordBuilder builder,
      DeadLetters deadLetters,
      Duration timeout,
      Duration punctuateInterval,
      Duration dedupRetention) {
    this.deserializer = deserializer;
    this.builder = builder;
    this.deadLetters = deadLetters;
    this.timeout = timeout;
    this.punctuateInterval = punctuateInterval;
    this.dedupRetention = dedupRetention;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    this.flowState = context.getStateStore(CallTopology.FLOW_STATE_STORE);
    this.flowEvents = context.getStateStore(CallTopology.FLOW_EVENTS_STORE);
    this.finished = context.getStateStore(CallTopology.FINISHED_FLOWS_STORE);
    this.finishedByTime = context.getStateStore(CallTopology.FINISHED_BY_TIME_STORE);
    this.taskStartMs = context.currentSystemTimeMs();
    context.schedule(punctuateInterval, PunctuationType.WALL_CLOCK_TIME, this::punctuate);
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    RecordMetadata source = context.recordMetadata().orElse(null);
    FlowEvent event;
    try {
      event =
          record.value() == null ? null : deserializer.deserialize(topic(source), record.value());
    } catch (RuntimeException e) {
      if (registryUnavailable(e)) {
        // Transient: fail the task so the record is retried from the last commit; a registry
        // outage must never dead-letter good events.
        throw e;
      }
      deadLetter(record, null, "deserialize", "undecodable flow event: " + e.getMessage(), e);
      return;
    }
    if (event == null) {
      deadLetter(record, null, "deserialize", "null value (tombstone) on the raw topic", null);
      return;
    }
    UUID flowId = event.getFlowId();
    Bytes flowKey = flowKey(flowId);
    long seq = event.getSeq();
    Object payload = event.getPayload();
    byte[] stateBytes = flowState.get(flowKey);
    long now = context.currentSystemTimeMs();
    if (stateBytes == null) {
      // Only a flow without open state can be a finished one: one store read per event otherwise.
      if (finished.get(flowKey) != null) {
        log.debug("Dropping duplicate event seq {} of finished flow {}", seq, flowId);
        return;
      }
      startFlow(record, event, flowId, flowKey, seq, payload, now);
      return;
    }
    FlowState state = FlowState.fromBytes(stateBytes);
    if (seq < state.nextSeq()) {
      log.debug("Dropping duplicate event seq {} of flow {}", seq, flowId);
      return;
    }
    if (seq > state.nextSeq()) {
      deadLetter(
          record,
          flowId,
          "correlate",
          "sequence gap in flow " + flowId + ": expected seq " + state.nextSeq() + ", got " + seq,
          null);
      return;
    }
    if (payload instanceof RequestHead || payload instanceof Tunnel) {
      deadLetter(
          record,
          flowId,
          "correlate",
          "second " + payload.getClass().getSimpleName() + " in flow " + flowId + " at seq " + seq,
          null);
      return;
    }
    if (payload instanceof FlowEnd) {
      List<Bytes> keys = new ArrayList<>();
      FlowContents contents = readFlow(flowId, state.nextSeq(), keys);
      contents.add(event);
      emit(contents, keys, flowId, record.timestamp());
      return;
    }
    flowEvents.put(StoreKeys.event(flowId, seq), record.value());
    flowState.put(flowKey, new FlowState(seq + 1, now, state.eventCount() + 1).toBytes());
  }

  private void startFlow(
      Record<byte[], byte[]> record,
      FlowEvent event,
      UUID flowId,
      Bytes flowKey,
      long seq,
      Object payload,
      long now) {
    boolean opener =
        payload instanceof RequestHead || payload instanceof Tunnel || payload instanceof FlowError;
    if (seq != 0 || !opener) {
      deadLetter(
          record,
          flowId,
          "correlate",
          "flow "
              + flowId
              + " starts with "
              + payload.getClass().getSimpleName()
              + " at seq "
              + seq
              + "; expected RequestHead, Tunnel or FlowError at seq 0",
          null);
      return;
    }
    if (payload instanceof Tunnel) {
      markFinished(flowId, now);
      return;
    }
    if (payload instanceof FlowError) {
      emit(new FlowContents().add(event), List.of(), flowId, record.timestamp());
      return;
    }
    flowEvents.put(StoreKeys.event(flowId, 0), record.value());
    flowState.put(flowKey, new FlowState(1, now, 1).toBytes());
  }

  /**
   * Reads an open flow's stored events back in sequence order. Events are stored gaplessly under
   * {@code flowId|0} … {@code flowId|nextSeq-1} (a gap is dead-lettered, never stored), so point
   * reads of that range find exactly what a range scan would, without opening a store iterator (a
   * RocksDB iterator merged with the record cache) per flow.
   *
   * @param nextSeq the flow state's next expected sequence number
   * @param keys receives the keys found, for {@link #forget}
   */
  private FlowContents readFlow(UUID flowId, long nextSeq, List<Bytes> keys) {
    FlowContents contents = new FlowContents();
    for (long seq = 0; seq < nextSeq; seq++) {
      Bytes key = StoreKeys.event(flowId, seq);
      byte[] value = flowEvents.get(key);
      if (value != null) {
        keys.add(key);
        contents.add(deserializer.deserialize(CallTopology.FLOW_EVENTS_STORE, value));
      }
    }
    return contents;
  }

  /**
   * Builds and forwards the flow's call records (one, or one per result line of a Message Batches
   * results download), each keyed by its own call id, then forgets the flow's events. All of them
   * are forwarded while processing one input record (or one punctuation), so under exactly-once
   * they are committed in the same transaction as the input offset: all or none.
   *
   * @param keys the flow's stored event keys, as found by {@link #readFlow}
   */
  private void emit(FlowContents contents, List<Bytes> keys, UUID flowId, long timestamp) {
    List<CallRecord> calls;
    try {
      calls = builder.buildAll(contents);
    } catch (RuntimeException e) {
      log.error("Cannot build the call record of flow {}; dead-lettering it", flowId, e);
      context.forward(
          new Record<String, Object>(
              flowId.toString(),
              deadLetters.of(
                  context.recordMetadata().orElse(null),
                  flowId.toString().getBytes(StandardCharsets.UTF_8),
                  null,
                  "convert",
                  "cannot build call record of flow " + flowId + ": " + e,
                  e),
              timestamp),
          CallTopology.DLQ_SINK);
      calls = List.of();
    }
    // outside the try: a failure to produce (e.g. registry down) fails the task and is retried
    for (CallRecord call : calls) {
      context.forward(
          new Record<>(call.getCallId().toString(), call, timestamp), CallTopology.CALLS_SINK);
    }
    forget(flowId, keys);
    markFinished(flowId, context.currentSystemTimeMs());
  }

  private void forget(UUID flowId, List<Bytes> keys) {
    for (Bytes key : keys) {
      flowEvents.delete(key);
    }
    flowState.delete(flowKey(flowId));
  }

  private void markFinished(UUID flowId, long now) {
    if (dedupRetention.isZero()) {
      return;
    }
    finished.put(flowKey(flowId), now);
    finishedByTime.put(StoreKeys.finishedAt(now, flowId), new byte[0]);
  }

  private void punctuate(long wallClockMs) {
    long cutoff = wallClockMs - timeout.toMillis();
    List<KeyValue<UUID, FlowState>> expired = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> it = flowState.all()) {
      while (it.hasNext()) {
        KeyValue<Bytes, byte[]> entry = it.next();
        FlowState state = FlowState.fromBytes(entry.value);
        if (Math.max(state.lastActivityMs(), taskStartMs) <= cutoff) {
          expired.add(KeyValue.pair(uuidOf(entry.key), state));
        }
      }
    }
    for (KeyValue<UUID, FlowState> flow : expired) {
      UUID flowId = flow.key;
      log.info("Flow {} idle for more than {}; emitting it as TIMED_OUT", flowId, timeout);
      List<Bytes> keys = new ArrayList<>();
      emit(readFlow(flowId, flow.value.nextSeq(), keys), keys, flowId, wallClockMs);
    }
    purgeFinished(wallClockMs - dedupRetention.toMillis());
  }

  private void purgeFinished(long before) {
    List<Bytes> keys = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> it =
        finishedByTime.range(
            Bytes.wrap(new byte[24]), StoreKeys.finishedAt(before, new UUID(-1L, -1L)))) {
      while (it.hasNext()) {
        keys.add(it.next().key);
      }
    }
    for (Bytes key : keys) {
      finishedByTime.delete(key);
      finished.delete(flowKey(StoreKeys.flowIdOfFinishedAt(key)));
    }
  }

  private void deadLetter(
      Record<byte[], byte[]> record, UUID flowId, String stage, String reason, Throwable error) {
    RecordMetadata source = context.recordMetadata().orElse(null);
    log.warn(
        "Dead-lettering raw event from topic {} partition {} offset {}: {}",
        topic(source),
        source == null ? -1 : source.partition(),
        source == null ? -1 : source.offset(),
        reason);
    DeadLetter letter = deadLetters.of(source, record.key(), record.value(), stage, reason, error);
    context.forward(
        new Record<String, Object>(
            flowId == null ? null : flowId.toString(), letter, record.timestamp()),
        CallTopology.DLQ_SINK);
  }

  private static boolean registryUnavailable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SchemaRegistryUnavailableException) {
        return true;
      }
    }
    return false;
  }

  private static String topic(RecordMetadata source) {
    return source == null ? "" : source.topic();
  }

  static Bytes flowKey(UUID flowId) {
    return Bytes.wrap(
        ByteBuffer.allocate(16)
            .putLong(flowId.getMostSignificantBits())
            .putLong(flowId.getLeastSignificantBits())
            .array());
  }

  private static UUID uuidOf(Bytes key) {
    ByteBuffer buffer = ByteBuffer.wrap(key.get());
    return new UUID(buffer.getLong(), buffer.getLong());
  }
}
