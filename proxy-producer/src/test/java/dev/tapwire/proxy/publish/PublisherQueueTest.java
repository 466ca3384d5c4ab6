package dev.tapwire.proxy.publish;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.avro.FlowEvent;
import dev.tapwire.proxy.capture.CaptureUnavailableException;
import dev.tapwire.registry.InMemorySchemaRegistry;
import dev.tapwire.serde.AvroSerdes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hand-over queue's bounds, with the publisher thread not running (nothing is taken). */
class PublisherQueueTest {
  @TempDir Path tmp;

  @Test
  void shouldRefuseEventsBeyondTheQueuesByteBoundAndReportUnhealthy() throws Exception {
    Map<String, Object> props = new HashMap<>();
    props.put(PublisherConfig.SPOOL_DIR_CONFIG, tmp.resolve("spool").toString());
    props.put(PublisherConfig.QUEUE_MAX_BYTES_CONFIG, 4L * 1024 * 1024);
    props.put(PublisherConfig.CLOSE_GRACE_MS_CONFIG, 0L);
    props.put("kafka.bootstrap.servers", "127.0.0.1:1");
    props.put("kafka.schema.registry.url", "http://127.0.0.1:1/in-memory");
    PublisherConfig config = new PublisherConfig(props);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    KafkaFlowPublisher publisher =
        new KafkaFlowPublisher(
            config,
            () -> new KafkaProducer<String, byte[]>(config.producerConfigs()),
            AvroSerdes.specific(FlowEvent.class, new InMemorySchemaRegistry(), false).serializer(),
            meters,
            Clock.systemUTC());
    try {
      assertThat(publisher.isHealthy()).isTrue();
      int accepted = 0;
      CaptureUnavailableException refused = null;
      for (FlowEvent e : TestFlows.flow(UUID.randomUUID(), 100, 256 * 1024)) {
        try {
          publisher.publish(e);
          accepted++;
        } catch (CaptureUnavailableException ex) {
          refused = ex;
          break;
        }
      }
      // 4 MiB of 256 KiB parts: the head and 15 parts fit, the 16th part does not
      assertThat(accepted).isEqualTo(16);
      assertThat(refused).hasMessageContaining("publisher.queue.max.bytes");
      assertThat(publisher.isHealthy()).isFalse();
      assertThat(publisher.status().reason()).contains("capture queue is full");
      assertThat(publisher.status().queuedEvents())
          .as("the refused event is not counted")
          .isEqualTo(16);
      assertThat(meters.counter("tapwire.capture.events.rejected").count()).isEqualTo(1);
    } finally {
      publisher.close();
    }
    // close() handed every accepted event to Kafka or, as Kafka is unreachable, the spool
    assertThat(publisher.status().spoolRecords()).isEqualTo(16);
    assertThat(publisher.status().queuedEvents()).isZero();
  }
}
