package dev.tapwire.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tapwire.processor.usage.CacheTtl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessorConfigTest {

  @Test
  void shouldHaveDocumentedDefaults() {
    ProcessorConfig config = new ProcessorConfig(Map.of());
    assertThat(config.applicationId()).isEqualTo("tapwire-processor");
    assertThat(config.inputTopic()).isEqualTo("tapwire.flows.raw");
    assertThat(config.outputTopic()).isEqualTo("tapwire.calls");
    assertThat(config.dlqTopic()).isEqualTo("tapwire.flows.dlq");
    assertThat(config.flowTimeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(config.cacheDefaultTtl()).isEqualTo(CacheTtl.FIVE_MINUTES);
    assertThat(config.commitIntervalMs()).isEqualTo(100);
    assertThat(config.priceTable().version()).isEqualTo("2026-11-01");
  }

  @Test
  void shouldRejectInvalidValuesAtStartUp() {
    assertThatThrownBy(() -> new ProcessorConfig(Map.of(ProcessorConfig.CACHE_DEFAULT_TTL, "2h")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(ProcessorConfig.CACHE_DEFAULT_TTL);
    assertThatThrownBy(() -> new ProcessorConfig(Map.of(ProcessorConfig.FLOW_TIMEOUT_MS, "0")))
        .isInstanceOf(ConfigException.class);
    ProcessorConfig missingTable =
        new ProcessorConfig(Map.of(ProcessorConfig.PRICE_TABLE, "/nonexistent/prices.json"));
    assertThatThrownBy(missingTable::priceTable)
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("/nonexistent/prices.json");
  }

  @Test
  void shouldPassKafkaSettingsThroughAndForceExactlyOnce(@TempDir Path dir) throws Exception {
    Path table = dir.resolve("prices.json");
    Files.writeString(table, "{\"version\":\"custom-1\",\"models\":[]}");
    ProcessorConfig config =
        new ProcessorConfig(
            Map.of(
                "kafka.bootstrap.servers",
                "localhost:1",
                "kafka.processing.guarantee",
                "at_least_once",
                "kafka.schema.registry.url",
                "http://localhost:2",
                ProcessorConfig.STATE_DIR,
                dir.resolve("state").toString(),
                ProcessorConfig.PRICE_TABLE,
                table.toString()));
    assertThat(config.kafkaProperties())
        .containsEntry("bootstrap.servers", "localhost:1")
        .containsEntry("schema.registry.url", "http://localhost:2");
    assertThat(config.priceTable().version()).isEqualTo("custom-1");
    Properties streams = new StreamProcessorService(config, Clock.systemUTC()).streamsProperties();
    assertThat(streams.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG))
        .isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
    assertThat(streams.get(StreamsConfig.APPLICATION_ID_CONFIG)).isEqualTo("tapwire-processor");
    assertThat(streams.get(StreamsConfig.STATE_DIR_CONFIG))
        .isEqualTo(dir.resolve("state").toAbsolutePath().toString());
  }

  @Test
  void shouldDefaultTheStreamsProducerBatchSizeAndLetKafkaSettingsOverrideIt() {
    String key = StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG);
    Properties defaults =
        new StreamProcessorService(
                new ProcessorConfig(Map.of("kafka.bootstrap.servers", "localhost:1")),
                Clock.systemUTC())
            .streamsProperties();
    assertThat(defaults.get(key)).isEqualTo(StreamProcessorService.PRODUCER_BATCH_BYTES);
    Properties overridden =
        new StreamProcessorService(
                new ProcessorConfig(
                    Map.of("kafka.bootstrap.servers", "localhost:1", "kafka." + key, "32768")),
                Clock.systemUTC())
            .streamsProperties();
    assertThat(overridden.get(key)).isEqualTo("32768");
  }
}
