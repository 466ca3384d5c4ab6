package dev.tapwire.proxy.bench;

import dev.tapwire.avro.FlowEvent;
import dev.tapwire.proxy.ProxyConfig;
import dev.tapwire.proxy.ProxyService;
import dev.tapwire.proxy.capture.FlowEventSink;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The proxy as its own process for {@link ProxyLoadBenchmark} (run pinned with {@code taskset -c
 * 0}): one event loop, capture into a sink that, like {@code KafkaFlowPublisher}, queues every
 * event for a publisher thread that serializes it with the publisher's serializer (Confluent wire
 * format, {@code AvroSerdes}) and drops it. Args: dataDir upstreamCaPem allowedPort. Prints {@code
 * PORT <n>} and runs until stdin closes; each line on stdin ends a measurement, and the proxy
 * prints where its flows' time to first event went ({@link FlowTimeline}).
 */
public final class ProxyBenchServer {
  private ProxyBenchServer() {}

  public static void main(String[] args) throws Exception {
    AtomicLong bytes = new AtomicLong();
    // -Dtapwire.bench.encode=false measures the data path without the sink's Avro encoding
    boolean encode = Boolean.parseBoolean(System.getProperty("tapwire.bench.encode", "true"));
    // As KafkaFlowPublisher does: publish() hands the event to a queue and one publisher thread
    // serializes it with the publisher's serializer (Confluent wire format); the thread shares
    // the proxy's pinned core, so its CPU counts, but it is off the event loop's latency path.
    org.apache.kafka.common.serialization.Serializer<FlowEvent> serializer =
        dev.tapwire.serde.AvroSerdes.specific(
                FlowEvent.class, new dev.tapwire.registry.InMemorySchemaRegistry(), true)
            .serializer();
    java.util.concurrent.BlockingQueue<FlowEvent> queue =
        new java.util.concurrent.ArrayBlockingQueue<>(100_000);
    // KafkaFlowPublisher's wake-up: publish() only queues, handOff() (once per event-loop
    // iteration) unparks the thread if it waits, else it polls every 10 ms
    dev.tapwire.proxy.publish.ConsumerWakeUp wakeUp =
        new dev.tapwire.proxy.publish.ConsumerWakeUp();
    Thread publisher =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                FlowEvent next = queue.poll();
                if (next == null) {
                  wakeUp.await(() -> !queue.isEmpty(), 10_000_000L);
                  continue;
                }
                bytes.addAndGet(serializer.serialize("tapwire.flows", next).length);
              }
            },
            "bench-publisher");
    publisher.setDaemon(true);
    publisher.start();
    FlowTimeline timeline = new FlowTimeline();
    FlowEventSink sink =
        new FlowEventSink() {
          @Override
          public void publish(FlowEvent event) {
            timeline.record(event);
            if (!encode) {
              return;
            }
            if (!queue.offer(event)) {
              throw new IllegalStateException("bench publisher queue full");
            }
          }

          @Override
          public void handOff() {
            wakeUp.signal();
          }

          @Override
          public boolean isHealthy() {
            return true;
          }

          @Override
          public void close() {}
        };
    ProxyConfig config =
        new ProxyConfig(
            Map.of(
                ProxyConfig.PORT,
                0,
                ProxyConfig.DATA_DIR,
                args[0],
                ProxyConfig.UPSTREAM_CA,
                args[1],
                ProxyConfig.ALLOWED_CONNECT_PORTS,
                args[2],
                ProxyConfig.MITM_HOSTS,
                "localhost",
                ProxyConfig.IO_THREADS,
                1,
                ProxyConfig.PROXY_ID,
                "bench",
                // -Dtapwire.bench.tlsEngine=jdk (via the driver's -Dtapwire.bench.proxyJvmFlag)
                // compares the JDK engine with the default
                ProxyConfig.TLS_ENGINE,
                System.getProperty("tapwire.bench.tlsEngine", "auto")));
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (ProxyService proxy = new ProxyService(config, sink, meters).start()) {
      System.err.println("proxy: TLS engine " + proxy.tlsEngine());
      System.out.println("PORT " + proxy.port());
      System.out.println("CA " + proxy.certificateAuthority().certificatePath());
      System.out.flush();
      java.io.BufferedReader in =
          new java.io.BufferedReader(
              new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null) {
        // the driver ends each measurement with a line naming it; runs until stdin closes
        timeline.report(line);
      }
      System.err.printf(
          "proxy: %.0f HTTP flows over %.0f upstream connections, %.0f tunnels, %d bytes of Avro"
              + " events%n",
          meters.counter("tapwire.proxy.flows").count(),
          meters.counter("tapwire.proxy.upstream.connections").count(),
          meters.counter("tapwire.proxy.tunnels").count(),
          bytes.get());
      timeline.reportFirstByte();
    }
  }
}
