package dev.tapwire.cli;

import dev.tapwire.cli.config.CliConfig;
import dev.tapwire.cli.config.ConfigSources;
import dev.tapwire.cli.run.KafkaClients;
import dev.tapwire.cli.run.Lifecycle;
import dev.tapwire.cli.run.Services;
import dev.tapwire.cli.run.TopicBootstrap;
import dev.tapwire.cli.state.RunState;
import dev.tapwire.cli.state.StateFile;
import dev.tapwire.embedded.kafka.EmbeddedKafkaBroker;
import dev.tapwire.embedded.registry.EmbeddedSchemaRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code tapwire run}: the whole pipeline in one process — embedded KRaft broker, embedded schema
 * registry, sinks, stream processor, publisher and proxy — started in that order and stopped in
 * reverse on Ctrl-C. Everything lives in the data directory, so a second start resumes.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run the whole pipeline in one process on an embedded Kafka broker and schema registry."
          + " Data under --data-dir: kafka/, ca/, parquet/calls, parquet/flows, audit.db, spool/.",
      "Prints the lines to paste into the shell that runs your client. Ctrl-C stops cleanly; a"
          + " second start on the same directory resumes where it stopped."
    })
final class RunCommand extends SettingsCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(RunCommand.class);
  private static final String LOOPBACK = "127.0.0.1";

  @Mixin ProxyOptions proxyOptions;

  RunCommand(ConfigSources sources) {
    super(sources);
  }

  @Override
  public Integer call() throws Exception {
    DataDir dataDir = dataDir();
    StateFile stateFile = new StateFile(dataDir.stateFile());
    stateFile
        .readLive()
        .ifPresent(
            running -> {
              throw new UserError(
                  "tapwire run is already running on "
                      + dataDir.root()
                      + " (pid "
                      + running.pid()
                      + ", proxy port "
                      + running.proxyPort()
                      + ")");
            });
    Map<String, Object> settings = ServiceSettings.forRun(dataDir, resolveSettings(false));
    for (String replaced : new String[] {"kafka.bootstrap.servers", "kafka.schema.registry.url"}) {
      if (settings.containsKey(replaced)) {
        log.warn("ignoring {}: tapwire run uses its embedded broker and registry", replaced);
      }
    }
    CliConfig cli = cliConfig(settings);
    Map<String, Object> validation = new LinkedHashMap<>(settings);
    validation.put("kafka.bootstrap.servers", LOOPBACK + ":9092");
    validation.put("kafka.schema.registry.url", "http://" + LOOPBACK + ":8081");
    Services.validate(validation, true, true, true);
    Files.createDirectories(dataDir.root());

    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (Lifecycle lifecycle = new Lifecycle()) {
      EmbeddedKafkaBroker broker =
          lifecycle.start(
              "kafka broker",
              () -> {
                EmbeddedKafkaBroker b =
                    EmbeddedKafkaBroker.builder()
                        .dataDir(dataDir.kafka())
                        .port(cli.getInt(CliConfig.BROKER_PORT))
                        .build();
                b.start();
                return b;
              });
      settings.put("kafka.bootstrap.servers", broker.bootstrapServers());
      EmbeddedSchemaRegistry registry =
          lifecycle.start(
              "schema registry",
              () -> {
                EmbeddedSchemaRegistry r =
                    new EmbeddedSchemaRegistry(
                        broker.bootstrapServers(),
                        new InetSocketAddress(LOOPBACK, cli.getInt(CliConfig.REGISTRY_PORT)));
                r.start();
                return r;
              });
      settings.put("kafka.schema.registry.url", registry.url());
      TopicBootstrap.ensure(
          KafkaClients.adminProperties(settings),
          cli.getInt(CliConfig.TOPICS_PARTITIONS),
          cli.getShort(CliConfig.TOPICS_REPLICATION_FACTOR));
      Services.startSink(lifecycle, settings);
      Services.startProcessor(lifecycle, settings);
      Services.Proxy proxy = Services.startProxy(lifecycle, settings, meters);
      int adminPort = Services.startAdmin(lifecycle, settings, meters, proxy.publisher());

      String proxyHost =
          connectHost(String.valueOf(settings.getOrDefault("proxy.bind.address", LOOPBACK)));
      RunState state =
          new RunState(
              ProcessHandle.current().pid(),
              broker.bootstrapServers(),
              registry.url(),
              proxyHost,
              proxy.proxy().port(),
              adminPort,
              proxy.proxy().certificateAuthority().certificatePath().toString(),
              Instant.now());
      stateFile.write(state);
      lifecycle.onClose("state file", stateFile::delete);
      printBanner(dataDir, state);
      lifecycle.closeOnShutdownAndAwait();
    }
    return 0;
  }

  private static String connectHost(String bindAddress) {
    return bindAddress.isBlank() || bindAddress.equals("0.0.0.0") || bindAddress.equals("::")
        ? LOOPBACK
        : bindAddress;
  }

  private void printBanner(DataDir dataDir, RunState state) {
    Duration startup =
        ProcessHandle.current()
            .info()
            .startInstant()
            .map(start -> Duration.between(start, Instant.now()))
            .orElse(Duration.ZERO);
    log.info("tapwire run started in {} ms (pid {})", startup.toMillis(), state.pid());
    PrintWriter out = spec.commandLine().getOut();
    out.println();
    out.println("Tapwire is running. In the shell that runs your client (before starting it):");
    out.println();
    ClientEnvironment.lines(dataDir, state.proxyHost(), state.proxyPort())
        .forEach(line -> out.println("  " + line));
    out.println();
    out.println("  (or: eval \"$(./tapwire env --data-dir " + dataDir.root() + ")\")");
    out.println();
    out.println("Data:   " + dataDir.root());
    out.println(
        "  calls   " + dataDir.callsDataset() + "   (./tapwire sql \"SELECT * FROM calls\")");
    out.println("  flows   " + dataDir.flowsDataset());
    out.println("  audit   " + dataDir.auditDb());
    out.println(
        "Kafka:  " + state.bootstrapServers() + "   registry: " + state.schemaRegistryUrl());
    out.println("Ctrl-C stops; starting again on the same --data-dir resumes.");
    out.flush();
  }
}
