package dev.tapwire.replay;

import static dev.tapwire.replay.FlowBuilder.headers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tapwire.avro.FlowEvent;
import dev.tapwire.replay.kafka.KafkaFlowSource;
import dev.tapwire.replay.kafka.KafkaReplayTarget;
import dev.tapwire.replay.parquet.ParquetFlowSource;
import dev.tapwire.replay.range.FlowSelector;
import dev.tapwire.replay.range.TimeRange;
import dev.tapwire.schemas.Topics;
import dev.tapwire.serde.AvroSerdes;
import dev.tapwire.testkit.KafkaEnvironment;
import dev.tapwire.testkit.KafkaExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Replays from a real raw topic and from a real Parquet flows archive into real replay topics. */
@ExtendWith(KafkaExtension.class)
class ReplayTest {
  private static final Duration MICRO = Duration.ofNanos(1000);

  // Recent, so the broker's retention does not apply to the record timestamps.
  private final Instant t0 = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(3));
  private final Instant from = t0.plusSeconds(10);
  private final Instant to = t0.plusSeconds(20);

  @TempDir Path parquetRoot;

  private static List<FlowEvent> messages(Instant start, String host, String path) {
    return FlowBuilder.start(start)
        .request("POST", host, path, headers("User-Agent", "claude-cli/2.1.3 (external, cli)"))
        .requestBody("{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":1024,\"stream\":true}")
        .after(Duration.ofMillis(300))
        .response(200, headers("Content-Type", "text/event-stream"))
        .sse(
            Transcripts.stream("claude-sonnet-4-5-20250929", "Hel", "lo"),
            MICRO.multipliedBy(500),
            2)
        .after(Duration.ofMillis(5))
        .end()
        .events();
  }

  private static List<FlowEvent> unfinished(Instant start) {
    return FlowBuilder.start(start)
        .request("POST", "api.anthropic.com", "/v1/messages", headers())
        .requestBody("{}")
        .events();
  }

  private static String id(List<FlowEvent> flow) {
    return flow.get(0).getFlowId().toString();
  }

  private record Setup(String raw, Map<String, List<FlowEvent>> flows) {}

  /** The range fixture: flows starting around both ends of [from, to). */
  private Setup rangeFixture(KafkaEnvironment env) {
    Map<String, List<FlowEvent>> flows = new LinkedHashMap<>();
    String api = "api.anthropic.com";
    flows.put("beforeFrom", messages(from.minus(MICRO), api, "/v1/messages?beta=true"));
    flows.put("atFrom", messages(from, api, "/v1/messages?beta=true"));
    flows.put("middle", messages(t0.plusSeconds(15), api, "/v1/messages"));
    flows.put(
        "tunnel", FlowBuilder.start(t0.plusSeconds(12)).tunnel("statsig.anthropic.com").events());
    flows.put("unfinished", unfinished(t0.plusSeconds(19)));
    // Starts 1 µs before `to`, ends after it: in range, copied whole.
    flows.put("beforeTo", messages(to.minus(MICRO), api, "/v1/messages"));
    flows.put("atTo", messages(to, api, "/v1/messages"));
    String raw = env.uniqueName("raw");
    env.createTopic(raw, 3);
    RawTopic.produce(env, raw, new ArrayList<>(flows.values()));
    return new Setup(raw, flows);
  }

  private ReplaySummary replayFromKafka(
      KafkaEnvironment env, String raw, String targetName, FlowSelector selector) {
    return replayFromKafka(env, raw, targetName, selector, Duration.ofMinutes(5));
  }

  private ReplaySummary replayFromKafka(
      KafkaEnvironment env,
      String raw,
      String targetName,
      FlowSelector selector,
      Duration flowMargin) {
    Map<String, Object> client =
        Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, env.bootstrapServers());
    Serde<FlowEvent> serde = RawTopic.serde(env);
    try (KafkaFlowSource source =
            new KafkaFlowSource(client, raw, serde.deserializer(), flowMargin);
        KafkaReplayTarget target =
            new KafkaReplayTarget(client, Topics.flowsReplay(targetName), 2)) {
      target.open(3);
      return Replayer.replay(source, target, selector, ReplayProgress.silent(Clock.systemUTC()));
    }
  }

  private ReplaySummary replayFromParquet(
      KafkaEnvironment env, String targetName, FlowSelector selector) {
    Map<String, Object> client =
        Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, env.bootstrapServers());
    String topic = Topics.flowsReplay(targetName);
    Serde<FlowEvent> serde = RawTopic.serde(env);
    try (ParquetFlowSource source = new ParquetFlowSource(parquetRoot, serde.serializer(), topic);
        KafkaReplayTarget target = new KafkaReplayTarget(client, topic, 2)) {
      target.open(3);
      return Replayer.replay(source, target, selector, ReplayProgress.silent(Clock.systemUTC()));
    }
  }

  @Test
  void shouldCopyWholeFlowsStartedInHalfOpenRangeWithKeysAndBytesUnchanged(KafkaEnvironment env)
      throws Exception {
    Setup setup = rangeFixture(env);
    String name = env.uniqueName("range");

    ReplaySummary summary =
        replayFromKafka(env, setup.raw(), name, FlowSelector.of(new TimeRange(from, to)));

    Map<String, List<byte[]>> raw = RawTopic.read(env, setup.raw());
    Map<String, List<byte[]>> copied = RawTopic.read(env, Topics.flowsReplay(name));
    List<String> expected =
        List.of("atFrom", "middle", "tunnel", "unfinished", "beforeTo").stream()
            .map(k -> id(setup.flows().get(k)))
            .toList();
    assertThat(copied.keySet()).containsExactlyInAnyOrderElementsOf(expected);
    for (String flowId : expected) {
      assertThat(copied.get(flowId))
          .as("every event of flow %s, in order, byte for byte", flowId)
          .containsExactlyElementsOf(raw.get(flowId));
    }
    long events = expected.stream().mapToLong(f -> raw.get(f).size()).sum();
    assertThat(summary.flowsCopied()).isEqualTo(5);
    assertThat(summary.flowsIncomplete()).isEqualTo(1);
    assertThat(summary.flowsSkipped()).isZero();
    assertThat(summary.eventsCopied()).isEqualTo(events);
    assertThat(RawTopic.partitions(env, Topics.flowsReplay(name))).isEqualTo(3);
    ConfigResource resource =
        new ConfigResource(ConfigResource.Type.TOPIC, Topics.flowsReplay(name));
    assertThat(
            env.admin()
                .describeConfigs(List.of(resource))
                .all()
                .get()
                .get(resource)
                .get(TopicConfig.RETENTION_MS_CONFIG)
                .value())
        .as("old event times must not expire the replay")
        .isEqualTo("-1");
  }

  @Test
  void shouldStopAtToPlusFlowMarginAndReplayFlowsStillOpenThenAsIncomplete(KafkaEnvironment env) {
    List<FlowEvent> slow =
        FlowBuilder.start(from.plusSeconds(1))
            .request("POST", "api.anthropic.com", "/v1/messages", headers())
            .requestBody("{}")
            .after(Duration.ofMinutes(10))
            .end()
            .events();
    String raw = env.uniqueName("raw");
    env.createTopic(raw, 1);
    RawTopic.produce(env, raw, List.of(slow));
    FlowSelector selector = FlowSelector.of(new TimeRange(from, to));

    ReplaySummary cut =
        replayFromKafka(env, raw, env.uniqueName("cut"), selector, Duration.ofMinutes(5));
    ReplaySummary whole =
        replayFromKafka(env, raw, env.uniqueName("whole"), selector, Duration.ofMinutes(15));

    assertThat(cut.flowsCopied()).isEqualTo(1);
    assertThat(cut.flowsIncomplete()).isEqualTo(1);
    assertThat(cut.eventsCopied()).isEqualTo(2);
    assertThat(whole.flowsCopied()).isEqualTo(1);
    assertThat(whole.flowsIncomplete()).isZero();
    assertThat(whole.eventsCopied()).isEqualTo(3);
  }

  @Test
  void shouldSkipAndCountRecordsThatAreNotFlowEventsAndCopyTheRest(KafkaEnvironment env) {
    List<FlowEvent> good = messages(from.plusSeconds(2), "api.anthropic.com", "/v1/messages");
    String raw = env.uniqueName("raw");
    env.createTopic(raw, 1);
    Map<String, Object> props = env.producerProperties();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.send(
          new ProducerRecord<>(
              raw,
              null,
              from.plusSeconds(1).toEpochMilli(),
              "poison".getBytes(StandardCharsets.UTF_8),
              new byte[] {0, 0, 0, 0, 42, 1, 2, 3}));
      producer.send(
          new ProducerRecord<>(
              raw,
              null,
              from.plusSeconds(1).toEpochMilli(),
              "plain".getBytes(StandardCharsets.UTF_8),
              "not avro at all".getBytes(StandardCharsets.UTF_8)));
    }
    RawTopic.produce(env, raw, List.of(good));
    String name = env.uniqueName("poison");

    ReplaySummary summary =
        replayFromKafka(env, raw, name, FlowSelector.of(new TimeRange(from, to)));

    assertThat(summary.undecodable()).isEqualTo(2);
    assertThat(summary.flowsCopied()).isEqualTo(1);
    assertThat(summary.eventsCopied()).isEqualTo(good.size());
    assertThat(RawTopic.read(env, Topics.flowsReplay(name)).keySet()).containsExactly(id(good));
  }

  @Test
  void shouldStopWithoutSkippingAnythingWhenTheSchemaRegistryIsUnreachable(KafkaEnvironment env) {
    List<FlowEvent> good = messages(from.plusSeconds(2), "api.anthropic.com", "/v1/messages");
    String raw = env.uniqueName("raw");
    env.createTopic(raw, 1);
    RawTopic.produce(env, raw, List.of(good));
    Map<String, Object> client =
        Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, env.bootstrapServers());
    Serde<FlowEvent> unreachable =
        AvroSerdes.specific(
            FlowEvent.class,
            Map.of("schema.registry.url", "http://127.0.0.1:1", "schema.registry.max.retries", 0),
            false);
    String topic = Topics.flowsReplay(env.uniqueName("down"));

    try (KafkaFlowSource source =
            new KafkaFlowSource(client, raw, unreachable.deserializer(), Duration.ofMinutes(5));
        KafkaReplayTarget target = new KafkaReplayTarget(client, topic, 2)) {
      target.open(1);
      assertThatThrownBy(
              () ->
                  Replayer.replay(
                      source,
                      target,
                      FlowSelector.of(new TimeRange(from, to)),
                      ReplayProgress.silent(Clock.systemUTC())))
          .isInstanceOf(ReplayException.class)
          .hasMessageContaining("because of the schema registry; nothing was skipped");
    }
    assertThat(RawTopic.read(env, topic)).isEmpty();
  }

  @Test
  void shouldCopyNothingWhenTheSameReplayRunsTwice(KafkaEnvironment env) {
    Setup setup = rangeFixture(env);
    String name = env.uniqueName("twice");
    FlowSelector selector = FlowSelector.of(new TimeRange(from, to));

    ReplaySummary first = replayFromKafka(env, setup.raw(), name, selector);
    ReplaySummary second = replayFromKafka(env, setup.raw(), name, selector);

    assertThat(first.flowsCopied()).isEqualTo(5);
    assertThat(second.flowsCopied()).isZero();
    assertThat(second.eventsCopied()).isZero();
    assertThat(second.flowsSkipped()).isEqualTo(5);
    Map<String, List<byte[]>> copied = RawTopic.read(env, Topics.flowsReplay(name));
    assertThat(copied).hasSize(5);
    assertThat(copied.values().stream().mapToLong(List::size).sum())
        .isEqualTo(first.eventsCopied());
  }

  @Test
  void shouldKeepOnlyFlowsMatchingHostAndPathPrefix(KafkaEnvironment env) {
    List<FlowEvent> messages = messages(from.plusSeconds(1), "api.anthropic.com", "/v1/messages");
    List<FlowEvent> telemetry =
        messages(from.plusSeconds(2), "API.Anthropic.com", "/api/event_logging/batch");
    List<FlowEvent> openai = messages(from.plusSeconds(3), "api.openai.com", "/v1/messages");
    List<FlowEvent> tunnel =
        FlowBuilder.start(from.plusSeconds(4)).tunnel("api.anthropic.com").events();
    String raw = env.uniqueName("raw");
    env.createTopic(raw, 2);
    RawTopic.produce(env, raw, List.of(messages, telemetry, openai, tunnel));
    TimeRange range = new TimeRange(from, to);

    String byHost = env.uniqueName("host");
    replayFromKafka(
        env,
        raw,
        byHost,
        new FlowSelector(range, Optional.of("api.anthropic.com"), Optional.empty()));
    String byPath = env.uniqueName("path");
    replayFromKafka(
        env, raw, byPath, new FlowSelector(range, Optional.empty(), Optional.of("/v1/")));
    String both = env.uniqueName("both");
    replayFromKafka(
        env,
        raw,
        both,
        new FlowSelector(range, Optional.of("api.anthropic.com"), Optional.of("/v1/messages")));

    assertThat(RawTopic.read(env, Topics.flowsReplay(byHost)).keySet())
        .containsExactlyInAnyOrder(id(messages), id(telemetry), id(tunnel));
    assertThat(RawTopic.read(env, Topics.flowsReplay(byPath)).keySet())
        .containsExactlyInAnyOrder(id(messages), id(openai));
    assertThat(RawTopic.read(env, Topics.flowsReplay(both)).keySet()).containsExactly(id(messages));
  }

  @Test
  void shouldReplayTheSameEventsFromParquetAsFromKafka(KafkaEnvironment env) throws Exception {
    Setup setup = rangeFixture(env);
    ParquetArchive.write(parquetRoot, setup.flows().values());
    FlowSelector selector = FlowSelector.of(new TimeRange(from, to));

    String fromKafka = env.uniqueName("k");
    String fromParquet = env.uniqueName("p");
    ReplaySummary k = replayFromKafka(env, setup.raw(), fromKafka, selector);
    ReplaySummary p = replayFromParquet(env, fromParquet, selector);
    ReplaySummary again = replayFromParquet(env, fromParquet, selector);

    Map<String, List<byte[]>> kafkaCopy = RawTopic.read(env, Topics.flowsReplay(fromKafka));
    Map<String, List<byte[]>> parquetCopy = RawTopic.read(env, Topics.flowsReplay(fromParquet));
    assertThat(parquetCopy.keySet()).containsExactlyInAnyOrderElementsOf(kafkaCopy.keySet());
    assertThat(parquetCopy).hasSize(5);
    for (String flowId : kafkaCopy.keySet()) {
      assertThat(parquetCopy.get(flowId))
          .as("flow %s", flowId)
          .containsExactlyElementsOf(kafkaCopy.get(flowId));
    }
    assertThat(p.flowsCopied()).isEqualTo(k.flowsCopied());
    assertThat(p.eventsCopied()).isEqualTo(k.eventsCopied());
    assertThat(p.bytesCopied()).isEqualTo(k.bytesCopied());
    assertThat(p.flowsIncomplete()).isEqualTo(1);
    assertThat(again.flowsCopied()).isZero();
    assertThat(again.flowsSkipped()).isEqualTo(5);
  }
}
