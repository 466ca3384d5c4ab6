package dev.tapwire.serde;

import dev.tapwire.avro.BodyPart;
import dev.tapwire.avro.CallRecord;
import dev.tapwire.avro.Direction;
import dev.tapwire.avro.FlowEvent;
import dev.tapwire.registry.InMemorySchemaRegistry;
import java.nio.ByteBuffer;
import java.util.Random;
import org.apache.kafka.common.serialization.Serde;

/**
 * Prints the throughput of the Confluent-wire-format serde (schema ids cached, so this is the Avro
 * encoding/decoding cost plus framing) for a request head, a 256 KiB body part and a call record.
 * Not a test: run it in a JVM that does nothing else.
 *
 * <pre>
 * ./mvnw -B -o -q -pl schemas test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -Xmx512m -XX:+UseSerialGC \
 *     -cp schemas/target/test-classes:schemas/target/classes:$(cat schemas/target/cp.txt) \
 *     dev.tapwire.serde.SerdeBenchmark [seconds per case, default 3]
 * </pre>
 */
public final class SerdeBenchmark {
  private SerdeBenchmark() {}

  public static void main(String[] args) {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
    InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    Serde<FlowEvent> flows = AvroSerdes.specific(FlowEvent.class, registry, false);
    Serde<CallRecord> calls = AvroSerdes.specific(CallRecord.class, registry, false);
    byte[] body = new byte[256 * 1024];
    new Random(7).nextBytes(body);
    FlowEvent bodyPart =
        SampleRecords.flowEvent(
            1,
            BodyPart.newBuilder()
                .setDirection(Direction.RESPONSE)
                .setOffset(0)
                .setData(ByteBuffer.wrap(body))
                .build());
    FlowEvent requestHead = SampleRecords.flowEventsOfEveryPayloadType().get(0);
    CallRecord call = SampleRecords.callRecord();

    System.out.printf(
        "JVM %s, %d cores; ops/s and MB/s of serialized bytes%n",
        Runtime.version(), Runtime.getRuntime().availableProcessors());
    for (int round = 0; round < 2; round++) {
      String label = round == 0 ? "warm-up " : "measured";
      run(label, "FlowEvent/RequestHead", flows, requestHead, seconds);
      run(label, "FlowEvent/BodyPart 256 KiB", flows, bodyPart, seconds);
      run(label, "CallRecord", calls, call, seconds);
    }
  }

  private static <T> void run(String label, String name, Serde<T> serde, T record, double seconds) {
    String topic = "bench-" + record.getClass().getSimpleName();
    byte[] bytes = serde.serializer().serialize(topic, record);
    long budget = (long) (seconds * 1e9);
    long sink = 0;
    long ops = 0;
    long start = System.nanoTime();
    while (System.nanoTime() - start < budget) {
      sink += serde.serializer().serialize(topic, record).length;
      ops++;
    }
    double serNanos = System.nanoTime() - start;
    long deOps = 0;
    start = System.nanoTime();
    while (System.nanoTime() - start < budget) {
      sink += serde.deserializer().deserialize(topic, bytes).hashCode() & 1;
      deOps++;
    }
    double deNanos = System.nanoTime() - start;
    System.out.printf(
        "%s %-28s %7d bytes  serialize %,10.0f ops/s %8.1f MB/s  deserialize %,10.0f ops/s %8.1f MB/s  (%d)%n",
        label,
        name,
        bytes.length,
        ops / (serNanos / 1e9),
        ops * (double) bytes.length / (serNanos / 1e9) / 1e6,
        deOps / (deNanos / 1e9),
        deOps * (double) bytes.length / (deNanos / 1e9) / 1e6,
        sink % 10);
  }
}
