package dev.tapwire.proxy.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tapwire.schemas.Topics;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class PublisherConfigTest {

  private static Map<String, Object> minimal() {
    Map<String, Object> props = new HashMap<>();
    props.put(PublisherConfig.SPOOL_DIR_CONFIG, "/tmp/spool");
    props.put("kafka.bootstrap.servers", "127.0.0.1:9092");
    props.put("kafka.schema.registry.url", "http://127.0.0.1:8081");
    return props;
  }

  @Test
  void shouldFixTheProducerSettingsThatOrderAndDurabilityRestOn() {
    Map<String, Object> props = minimal();
    props.put("kafka.acks", "1");
    props.put("kafka.enable.idempotence", "false");
    props.put("kafka.linger.ms", "20");
    Map<String, Object> producer = new PublisherConfig(props).producerConfigs();
    assertThat(producer)
        .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
        .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
        .containsEntry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd")
        .containsEntry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092")
        .containsEntry(ProducerConfig.LINGER_MS_CONFIG, "20")
        .doesNotContainKey("schema.registry.url");
    assertThat((Integer) producer.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG))
        .isGreaterThan(PublisherConfig.MAX_RECORD_BYTES);
  }

  @Test
  void shouldDefaultToTheRawFlowsTopicAndPassRegistrySettingsToTheSerializer() {
    PublisherConfig config = new PublisherConfig(minimal());
    assertThat(config.topic()).isEqualTo(Topics.RAW_FLOWS);
    assertThat(config.serializerConfigs())
        .containsEntry("schema.registry.url", "http://127.0.0.1:8081");
    assertThat(config.spoolOptions().segmentBytes()).isEqualTo(16 * 1024 * 1024);
  }

  @Test
  void shouldRejectMissingOrInconsistentSettings() {
    Map<String, Object> noBootstrap = minimal();
    noBootstrap.remove("kafka.bootstrap.servers");
    assertThatThrownBy(() -> new PublisherConfig(noBootstrap))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kafka.bootstrap.servers");

    Map<String, Object> noSpool = minimal();
    noSpool.remove(PublisherConfig.SPOOL_DIR_CONFIG);
    assertThatThrownBy(() -> new PublisherConfig(noSpool))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("spool.dir");

    Map<String, Object> inFlight = minimal();
    inFlight.put("kafka.max.in.flight.requests.per.connection", 6);
    assertThatThrownBy(() -> new PublisherConfig(inFlight).producerConfigs())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("at most 5");

    Map<String, Object> threshold = minimal();
    threshold.put(PublisherConfig.QUEUE_CAPACITY_CONFIG, 100);
    threshold.put(PublisherConfig.QUEUE_SPOOL_THRESHOLD_CONFIG, 200);
    assertThatThrownBy(() -> new PublisherConfig(threshold))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(PublisherConfig.QUEUE_SPOOL_THRESHOLD_CONFIG);
  }
}
