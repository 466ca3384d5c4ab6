package dev.tapwire.processor.topology;

import dev.tapwire.avro.CallRecord;
import dev.tapwire.avro.DeadLetter;
import dev.tapwire.avro.FlowEvent;
import dev.tapwire.processor.ProcessorConfig;
import dev.tapwire.processor.call.CallRecordBuilder;
import dev.tapwire.processor.decode.ContentDecoder;
import dev.tapwire.processor.pricing.CostCalculator;
import java.time.Clock;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds the stream processor's topology; {@code main}, the service and the tests all call {@link
 * #build}.
 *
 * <pre>
 *   flow-events-source (raw bytes of {@code processor.input.topic})
 *     └─ flow-correlator  [flow-state, flow-events, finished-flows, finished-flows-by-time]
 *          ├─ calls-sink → {@code processor.output.topic}  (key call id, CallRecord)
 *          └─ dlq-sink   → {@code processor.dlq.topic}     (key flow id or null, DeadLetter)
 * </pre>
 *
 * The source reads bytes and the correlator deserializes them itself, so an undecodable record is
 * dead-lettered with its topic, partition and offset and processing continues (policy: dead-letter
 * and continue, never fail the task for bad input).
 */
public final class CallTopology {
  public static final String SOURCE = "flow-events-source";
  public static final String CORRELATOR = "flow-correlator";
  public static final String CALLS_SINK = "calls-sink";
  public static final String DLQ_SINK = "dlq-sink";

  /** Per open flow: {@link FlowState} (24 bytes) under the 16-byte flow id. */
  public static final String FLOW_STATE_STORE = "flow-state";

  /** Accepted events as their original bytes under {@code flowId|seq} (24-byte keys). */
  public static final String FLOW_EVENTS_STORE = "flow-events";

  /** Finished flow ids → finish time (epoch ms), for dropping re-published duplicates. */
  public static final String FINISHED_FLOWS_STORE = "finished-flows";

  /** {@code finishTime|flowId} index of {@link #FINISHED_FLOWS_STORE}, for purging by age. */
  public static final String FINISHED_BY_TIME_STORE = "finished-flows-by-time";

  private CallTopology() {}

  /**
   * Builds the topology.
   *
   * @param config topics, timeouts, price table and cache TTL
   * @param flowEvents serde of the raw events (only its deserializer is used)
   * @param callRecords serde of the call records
   * @param deadLetters serde of the dead letters
   * @param clock stamps {@code processed_at} and {@code failed_at}
   */
  public static Topology build(
      ProcessorConfig config,
      Serde<FlowEvent> flowEvents,
      Serde<CallRecord> callRecords,
      Serde<DeadLetter> deadLetters,
      Clock clock) {
    CallRecordBuilder builder =
        new CallRecordBuilder(
            new CostCalculator(config.priceTable(), config.cacheDefaultTtl()),
            new ContentDecoder(),
            clock);
    DeadLetters letters = new DeadLetters(config.applicationId(), clock);
    Topology topology = new Topology();
    topology.addSource(
        SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), config.inputTopic());
    topology.addProcessor(
        CORRELATOR,
        () ->
            new FlowCorrelator(
                flowEvents.deserializer(),
                builder,
                letters,
                config.flowTimeout(),
                config.punctuateInterval(),
                config.dedupRetention()),
        SOURCE);
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(FLOW_STATE_STORE),
                Serdes.Bytes(),
                Serdes.ByteArray())
            .withCachingEnabled(),
        CORRELATOR);
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(FLOW_EVENTS_STORE),
                Serdes.Bytes(),
                Serdes.ByteArray())
            .withCachingEnabled(),
        CORRELATOR);
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(FINISHED_FLOWS_STORE), Serdes.Bytes(), Serdes.Long())
            .withCachingEnabled(),
        CORRELATOR);
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(FINISHED_BY_TIME_STORE),
                Serdes.Bytes(),
                Serdes.ByteArray())
            .withCachingEnabled(),
        CORRELATOR);
    topology.addSink(
        CALLS_SINK,
        config.outputTopic(),
        Serdes.String().serializer(),
        untyped(callRecords.serializer()),
        CORRELATOR);
    topology.addSink(
        DLQ_SINK,
        config.dlqTopic(),
        Serdes.String().serializer(),
        untyped(deadLetters.serializer()),
        CORRELATOR);
    return topology;
  }

  /** The correlator forwards Object values to both sinks; each sink only receives its type. */
  @SuppressWarnings("unchecked")
  private static Serializer<Object> untyped(Serializer<?> serializer) {
    return (Serializer<Object>) serializer;
  }
}
