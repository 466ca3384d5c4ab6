package dev.tapwire.replay;

import static dev.tapwire.replay.FlowBuilder.headers;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.avro.CallRecord;
import dev.tapwire.avro.CostStatus;
import dev.tapwire.avro.DeadLetter;
import dev.tapwire.avro.FlowEvent;
import dev.tapwire.processor.ProcessorConfig;
import dev.tapwire.processor.pricing.PriceTable;
import dev.tapwire.processor.topology.CallTopology;
import dev.tapwire.replay.kafka.KafkaFlowSource;
import dev.tapwire.replay.kafka.KafkaReplayTarget;
import dev.tapwire.replay.range.FlowSelector;
import dev.tapwire.replay.range.TimeRange;
import dev.tapwire.schemas.Topics;
import dev.tapwire.serde.AvroSerdes;
import dev.tapwire.testkit.KafkaEnvironment;
import dev.tapwire.testkit.KafkaExtension;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replay re-derived through the stream processor's topology (the same {@link CallTopology#build}
 * the service runs) with a new price-table version: new costs, same token counts.
 */
@ExtendWith(KafkaExtension.class)
class ReprocessTest {
  private final Instant t0 = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(2));

  @TempDir Path dir;

  private static List<FlowEvent> call(Instant start, String... texts) {
    return FlowBuilder.start(start)
        .request(
            "POST",
            "api.anthropic.com",
            "/v1/messages?beta=true",
            headers(
                "User-Agent", "claude-cli/2.1.3 (external, cli)",
                "anthropic-version", "2023-06-01",
                "content-type", "application/json"))
        .requestBody(
            "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":1024,\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
        .after(Duration.ofMillis(300))
        .response(200, headers("Content-Type", "text/event-stream; charset=utf-8"))
        .sse(Transcripts.stream("claude-sonnet-4-5-20250929", texts), Duration.ofMillis(20), 3)
        .after(Duration.ofMillis(5))
        .end()
        .events();
  }

  @Test
  void shouldGiveNewCostsAndSameTokenCountsWhenReplayIsRederivedWithANewPriceTable(
      KafkaEnvironment env) throws Exception {
    String raw = env.uniqueName("raw");
    env.createTopic(raw, 2);
    RawTopic.produce(
        env, raw, List.of(call(t0.plusSeconds(1), "a", "b"), call(t0.plusSeconds(2), "c")));
    String name = env.uniqueName("reprice");
    String replayTopic = Topics.flowsReplay(name);
    Map<String, Object> client =
        Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, env.bootstrapServers());
    try (KafkaFlowSource source =
            new KafkaFlowSource(client, raw, RawTopic.serde(env).deserializer(), Duration.ZERO);
        KafkaReplayTarget target = new KafkaReplayTarget(client, replayTopic, 10)) {
      target.open(2);
      Replayer.replay(
          source,
          target,
          FlowSelector.of(new TimeRange(t0, t0.plusSeconds(60))),
          ReplayProgress.silent(Clock.systemUTC()));
    }
    Map<String, List<byte[]>> replayed = RawTopic.read(env, replayTopic);
    assertThat(replayed).hasSize(2);

    Path newTable = dir.resolve("prices-2027-01-01.json");
    Files.writeString(
        newTable,
        "{\"version\":\"2027-01-01\",\"models\":[{\"name\":\"Sonnet 4.5\","
            + "\"ids\":[\"claude-sonnet-4-5\"],\"periods\":[{\"from\":\"2000-01-01T00:00:00Z\","
            + "\"input\":\"6\",\"cache_write_5m\":\"7.50\",\"cache_write_1h\":\"12\","
            + "\"cache_read\":\"0.60\",\"output\":\"30\"}]}]}",
        StandardCharsets.UTF_8);

    Map<String, CallRecord> bundled = derive(env, name, replayed, null);
    Map<String, CallRecord> repriced = derive(env, name, replayed, newTable);

    assertThat(repriced.keySet()).isEqualTo(replayed.keySet()).isEqualTo(bundled.keySet());
    for (String callId : replayed.keySet()) {
      CallRecord before = bundled.get(callId);
      CallRecord after = repriced.get(callId);
      assertThat(after.getUsage()).isEqualTo(before.getUsage());
      assertThat(after.getUsage().getInputTokens()).isEqualTo(25L);
      assertThat(after.getUsage().getOutputTokens()).isEqualTo(15L);
      assertThat(before.getCost().getStatus()).isEqualTo(CostStatus.PRICED);
      assertThat(after.getCost().getStatus()).isEqualTo(CostStatus.PRICED);
      assertThat(before.getCost().getPriceTableVersion()).isEqualTo(PriceTable.bundled().version());
      assertThat(after.getCost().getPriceTableVersion()).isEqualTo("2027-01-01");
      // Per million: 25 input x 3 + 1000 cache write x 3.75 + 5000 cache read x 0.30 + 15 x 15.
      assertThat(before.getCost().getTotalUsd()).isEqualByComparingTo(new BigDecimal("0.00555"));
      // The new table doubles every price.
      assertThat(after.getCost().getTotalUsd()).isEqualByComparingTo(new BigDecimal("0.0111"));
    }
  }

  /** Runs the replayed records through the topology, reading the replay topic as its input. */
  private Map<String, CallRecord> derive(
      KafkaEnvironment env, String name, Map<String, List<byte[]>> replayed, Path priceTable)
      throws Exception {
    Map<String, Object> settings = new HashMap<>();
    settings.put(ProcessorConfig.INPUT_TOPIC, Topics.flowsReplay(name));
    settings.put(ProcessorConfig.OUTPUT_TOPIC, Topics.callsReplay(name));
    if (priceTable != null) {
      settings.put(ProcessorConfig.PRICE_TABLE, priceTable.toString());
    }
    ProcessorConfig config = new ProcessorConfig(settings);
    Map<String, String> serdeConfig = Map.of("schema.registry.url", env.schemaRegistryUrl());
    Serde<FlowEvent> flows = AvroSerdes.specific(FlowEvent.class, serdeConfig, false);
    Serde<CallRecord> calls = AvroSerdes.specific(CallRecord.class, serdeConfig, false);
    Serde<DeadLetter> letters = AvroSerdes.specific(DeadLetter.class, serdeConfig, false);
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, env.uniqueName("reprocess"));
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, env.bootstrapServers());
    props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory(dir, "state").toString());
    try (TopologyTestDriver driver =
        new TopologyTestDriver(
            CallTopology.build(
                config, flows, calls, letters, Clock.fixed(t0.plusSeconds(3600), ZoneOffset.UTC)),
            props,
            t0)) {
      TestInputTopic<byte[], byte[]> input =
          driver.createInputTopic(
              config.inputTopic(), new ByteArraySerializer(), new ByteArraySerializer());
      for (Map.Entry<String, List<byte[]>> flow : replayed.entrySet()) {
        for (byte[] value : flow.getValue()) {
          input.pipeInput(flow.getKey().getBytes(StandardCharsets.UTF_8), value);
        }
      }
      assertThat(
              driver
                  .createOutputTopic(
                      config.dlqTopic(), new StringDeserializer(), letters.deserializer())
                  .isEmpty())
          .isTrue();
      return driver
          .createOutputTopic(config.outputTopic(), new StringDeserializer(), calls.deserializer())
          .readKeyValuesToList()
          .stream()
          .collect(Collectors.toMap(kv -> kv.key, kv -> kv.value, (a, b) -> b));
    }
  }
}
