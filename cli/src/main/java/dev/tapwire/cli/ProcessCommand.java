package dev.tapwire.cli;

import dev.tapwire.cli.config.CliConfig;
import dev.tapwire.cli.config.ConfigSources;
import dev.tapwire.cli.run.KafkaClients;
import dev.tapwire.cli.run.Lifecycle;
import dev.tapwire.cli.run.Services;
import dev.tapwire.cli.run.TopicBootstrap;
import dev.tapwire.processor.ProcessorConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tapwire process}: the stream processor alone. */
@Command(
    name = "process",
    mixinStandardHelpOptions = true,
    description = {
      "Run the stream processor alone: raw flow events from tapwire.flows.raw to one call record"
          + " per API call on tapwire.calls (Kafka Streams, exactly once; state in"
          + " <data-dir>/streams).",
      "Stops cleanly on Ctrl-C / SIGTERM."
    })
final class ProcessCommand extends SettingsCommand implements Callable<Integer> {
  @Mixin ServiceOptions serviceOptions;

  @Option(
      names = "--application-id",
      paramLabel = "ID",
      descriptionKey = "processor.application.id",
      description =
          "Kafka Streams application id (consumer group and internal topic prefix; default"
              + " tapwire-processor). Env: TAPWIRE_PROCESSOR_APPLICATION_ID.")
  String applicationId;

  @Option(
      names = "--input",
      paramLabel = "TOPIC",
      descriptionKey = "processor.input.topic",
      description =
          "Raw flow topic to read (default tapwire.flows.raw; a replay:"
              + " tapwire.flows.replay.<name>). Env: TAPWIRE_PROCESSOR_INPUT_TOPIC.")
  String input;

  @Option(
      names = "--output",
      paramLabel = "TOPIC",
      descriptionKey = "processor.output.topic",
      description =
          "Call record topic to write (default tapwire.calls; a replay:"
              + " tapwire.calls.replay.<name>). Env: TAPWIRE_PROCESSOR_OUTPUT_TOPIC.")
  String output;

  ProcessCommand(ConfigSources sources) {
    super(sources);
  }

  @Override
  public Integer call() throws Exception {
    Map<String, Object> settings = ServiceSettings.forDataDir(dataDir(), resolveSettings(true));
    requireKafka(settings);
    ServiceSettings.separateReplayApplication(settings);
    Services.validate(settings, false, true, false);
    CliConfig cli = cliConfig(settings);
    ProcessorConfig processor = new ProcessorConfig(settings);
    List<String> topics = new ArrayList<>(TopicBootstrap.TOPICS);
    topics.addAll(List.of(processor.inputTopic(), processor.outputTopic(), processor.dlqTopic()));
    TopicBootstrap.ensure(
        KafkaClients.adminProperties(settings),
        topics,
        cli.getInt(CliConfig.TOPICS_PARTITIONS),
        cli.getShort(CliConfig.TOPICS_REPLICATION_FACTOR));
    try (Lifecycle lifecycle = new Lifecycle()) {
      Services.startProcessor(lifecycle, settings);
      spec.commandLine()
          .getErr()
          .println(
              "tapwire process: "
                  + processor.inputTopic()
                  + " -> "
                  + processor.outputTopic()
                  + " as "
                  + processor.applicationId()
                  + " on "
                  + settings.get("kafka.bootstrap.servers"));
      lifecycle.closeOnShutdownAndAwait();
    }
    return 0;
  }
}
