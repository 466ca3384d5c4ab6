package dev.tapwire.cli;

import dev.tapwire.cli.config.CliConfig;
import dev.tapwire.cli.config.ConfigSources;
import dev.tapwire.cli.run.KafkaClients;
import dev.tapwire.cli.run.Lifecycle;
import dev.tapwire.cli.run.Services;
import dev.tapwire.cli.run.TopicBootstrap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tapwire sink}: the Parquet datasets and the audit tables, alone. */
@Command(
    name = "sink",
    mixinStandardHelpOptions = true,
    description = {
      "Run the sinks alone: tapwire.calls and tapwire.flows.raw to Parquet under"
          + " <data-dir>/parquet, and the audit tables (SQLite <data-dir>/audit.db or"
          + " PostgreSQL), exactly once.",
      "Stops cleanly on Ctrl-C / SIGTERM."
    })
final class SinkCommand extends SettingsCommand implements Callable<Integer> {
  @Mixin ServiceOptions serviceOptions;

  @Option(
      names = "--audit-jdbc-url",
      paramLabel = "URL",
      descriptionKey = "sink.audit.jdbc.url",
      description =
          "Audit database, jdbc:postgresql://… or jdbc:sqlite:… (default"
              + " jdbc:sqlite:<data-dir>/audit.db). Env: TAPWIRE_SINK_AUDIT_JDBC_URL.")
  String auditJdbcUrl;

  SinkCommand(ConfigSources sources) {
    super(sources);
  }

  @Override
  public Integer call() throws Exception {
    Map<String, Object> settings = ServiceSettings.forDataDir(dataDir(), resolveSettings(true));
    requireKafka(settings);
    Services.validate(settings, false, false, true);
    CliConfig cli = cliConfig(settings);
    TopicBootstrap.ensure(
        KafkaClients.adminProperties(settings),
        cli.getInt(CliConfig.TOPICS_PARTITIONS),
        cli.getShort(CliConfig.TOPICS_REPLICATION_FACTOR));
    try (Lifecycle lifecycle = new Lifecycle()) {
      Services.startSink(lifecycle, settings);
      spec.commandLine().getErr().println("tapwire sink: writing under " + dataDir().parquet());
      lifecycle.closeOnShutdownAndAwait();
    }
    return 0;
  }
}
