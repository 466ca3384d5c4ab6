package dev.tapwire.replay;

import dev.tapwire.avro.FlowEvent;
import dev.tapwire.replay.kafka.KafkaFlowSource;
import dev.tapwire.replay.kafka.KafkaReplayTarget;
import dev.tapwire.replay.kafka.TopicScanner;
import dev.tapwire.replay.parquet.ParquetFlowSource;
import dev.tapwire.replay.range.FlowSelector;
import dev.tapwire.replay.range.TimeRange;
import dev.tapwire.schemas.Topics;
import dev.tapwire.serde.AvroSerdes;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.kafka.common.serialization.Serde;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code tapwire replay}: copies whole flows started in {@code [--from, --to)} from the raw topic
 * or the Parquet flows archive into {@code tapwire.flows.replay.<--target>}. Exit code 0 on
 * success; failures are thrown to the CLI's exception handler.
 */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = {
      "Copy whole flows (every event, in order, keys unchanged) whose start lies in [--from, --to)"
          + " into the topic tapwire.flows.replay.<target>, from the raw topic or the Parquet"
          + " flows archive. Idempotent: flows already in the target are skipped.",
      "Then: tapwire process --input tapwire.flows.replay.<target> --output"
          + " tapwire.calls.replay.<target>"
    })
public final class ReplayCommand implements Callable<Integer> {

  /** Where flows are read from. */
  public enum Source {
    kafka,
    parquet
  }

  @Spec CommandSpec spec;

  @Option(
      names = "--from",
      required = true,
      description =
          "Start of the range, included: ISO-8601 instant (2026-11-15T10:00:00Z) or date"
              + " (2026-11-15 = 00:00 UTC).")
  String from;

  @Option(
      names = "--to",
      required = true,
      description = "End of the range, excluded: ISO-8601 instant or date.")
  String to;

  @Option(names = "--host", description = "Only flows to this host (case-insensitive).")
  String host;

  @Option(
      names = "--path-prefix",
      description = "Only HTTP flows whose request path (with query) starts with this.")
  String pathPrefix;

  @Option(
      names = "--target",
      required = true,
      description = "Replay name: flows go to tapwire.flows.replay.<target>.")
  String target;

  @Option(
      names = "--source",
      defaultValue = "kafka",
      description =
          "kafka (the raw topic, by time) or parquet (the flows archive). Default: kafka.")
  Source source;

  @Option(
      names = "--input-topic",
      defaultValue = Topics.RAW_FLOWS,
      description = "Raw topic to read with --source kafka. Default: ${DEFAULT-VALUE}.")
  String inputTopic;

  @Option(
      names = "--parquet-root",
      descriptionKey = "sink.parquet.root",
      description = "Parquet root holding flows/ (--source parquet). Default: <data dir>/parquet.")
  Path parquetRoot;

  @Option(
      names = "--data-dir",
      descriptionKey = "data.dir",
      defaultValue = "./tapwire-data",
      description =
          "Tapwire data directory; the Parquet root defaults to <data dir>/parquet. Env:"
              + " TAPWIRE_DATA_DIR; setting data.dir. Default: ${DEFAULT-VALUE}.")
  Path dataDir;

  @Option(
      names = "--flow-margin",
      defaultValue = "PT1H",
      description =
          "How long after --to the raw topic is still read for events of flows started in range"
              + " (ISO-8601 duration). Default: ${DEFAULT-VALUE}.")
  Duration flowMargin;

  @Option(
      names = "--partitions",
      defaultValue = "6",
      description =
          "Partitions of a new target topic when the raw topic does not exist (otherwise the raw"
              + " topic's count is used). Default: ${DEFAULT-VALUE}.")
  int partitions;

  @Option(
      names = "--flows-per-transaction",
      defaultValue = "500",
      description = "Flows per producer transaction. Default: ${DEFAULT-VALUE}.")
  int flowsPerTransaction;

  @Option(
      names = "--progress-interval",
      defaultValue = "PT2S",
      description =
          "Least time between two progress displays on stderr (ISO-8601 duration). Default:"
              + " ${DEFAULT-VALUE}.")
  Duration progressInterval;

  @Mixin KafkaConnectionOptions kafka;

  @Override
  public Integer call() {
    FlowSelector selector = selector();
    kafka.requireAddresses();
    if (flowsPerTransaction < 1 || partitions < 1) {
      throw new ParameterException(
          spec.commandLine(), "--flows-per-transaction and --partitions must be at least 1");
    }
    Map<String, Object> client = kafka.clientProperties();
    Map<String, Object> serdeConfig = kafka.serdeProperties();
    String targetTopic;
    try {
      targetTopic = Topics.flowsReplay(target);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--target: " + e.getMessage(), e);
    }
    ReplayProgress progress =
        new ReplayProgress(
            spec.commandLine().getErr(),
            System.console() != null,
            Clock.systemUTC(),
            progressInterval);
    int targetPartitions = new TopicScanner(client).partitionCount(inputTopic).orElse(partitions);
    Serde<FlowEvent> serde = AvroSerdes.specific(FlowEvent.class, serdeConfig, false);
    try (FlowSource flows = source(serde, targetTopic, client);
        KafkaReplayTarget out = new KafkaReplayTarget(client, targetTopic, flowsPerTransaction)) {
      out.open(targetPartitions);
      ReplaySummary summary = Replayer.replay(flows, out, selector, progress);
      spec.commandLine().getOut().println(summary.describe());
      spec.commandLine().getOut().println("target: " + targetTopic);
      spec.commandLine().getOut().flush();
    }
    return 0;
  }

  private FlowSelector selector() {
    try {
      return new FlowSelector(
          TimeRange.parse(from, to), Optional.ofNullable(host), Optional.ofNullable(pathPrefix));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }

  private FlowSource source(
      Serde<FlowEvent> serde, String targetTopic, Map<String, Object> client) {
    if (source == Source.parquet) {
      Path root =
          parquetRoot != null && !parquetRoot.toString().isEmpty()
              ? parquetRoot
              : dataDir.resolve("parquet");
      return new ParquetFlowSource(root, serde.serializer(), targetTopic);
    }
    return new KafkaFlowSource(client, inputTopic, serde.deserializer(), flowMargin);
  }
}
