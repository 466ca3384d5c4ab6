package dev.tapwire.cli;

import dev.tapwire.cli.config.ConfigSources;
import dev.tapwire.cli.run.KafkaClients;
import dev.tapwire.cli.run.TopicBootstrap;
import dev.tapwire.cli.sql.ParquetViews;
import dev.tapwire.cli.state.RunState;
import dev.tapwire.cli.status.KafkaProgress;
import dev.tapwire.cli.status.PrometheusText;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code tapwire status}: what the pipeline has done — flows captured and the capture spool (from
 * the admin endpoint's Prometheus metrics), topic end offsets and consumer lag (Kafka admin
 * client), rows in the Parquet datasets (DuckDB) and in the SQLite audit table.
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Show flows captured, calls derived, rows written, the capture spool and consumer lag.",
      "Finds a tapwire run on the same --data-dir by itself; for separate services give"
          + " --bootstrap-servers and --admin-url."
    })
final class StatusCommand extends SettingsCommand implements Callable<Integer> {
  @Mixin ServiceOptions serviceOptions;

  @Option(
      names = "--admin-url",
      paramLabel = "URL",
      description =
          "The proxy's admin endpoint, e.g. http://127.0.0.1:9464 (default: the running tapwire"
              + " run's).")
  URI adminUrl;

  StatusCommand(ConfigSources sources) {
    super(sources);
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    DataDir dataDir = dataDir();
    Optional<RunState> running = runningPipeline();
    Map<String, String> settings = resolveSettings(true);
    row(out, "data dir", dataDir.root().toString());
    row(
        out,
        "tapwire run",
        running
            .map(
                s ->
                    "up (pid "
                        + s.pid()
                        + ", proxy "
                        + s.proxyHost()
                        + ":"
                        + s.proxyPort()
                        + ", since "
                        + s.startedAt()
                        + ")")
            .orElse("not running on this data dir"));

    URI admin =
        adminUrl != null
            ? adminUrl
            : running
                .filter(s -> s.adminPort() > 0)
                .map(s -> URI.create("http://127.0.0.1:" + s.adminPort()))
                .orElse(null);
    if (admin != null) {
      printCapture(out, admin);
    }

    String bootstrap = settings.get("kafka.bootstrap.servers");
    if (bootstrap != null) {
      printKafka(out, settings);
    } else {
      row(out, "kafka", "no broker known (give --bootstrap-servers or start tapwire run)");
    }

    row(out, "calls (Parquet)", rows(dataDir.callsDataset()));
    row(out, "flow events (Parquet)", rows(dataDir.flowsDataset()));
    row(out, "audit rows (SQLite)", auditRows(dataDir.auditDb()));
    out.flush();
    return 0;
  }

  private void printCapture(PrintWriter out, URI admin) {
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(admin.resolve("/metrics"))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      PrometheusText metrics = PrometheusText.parse(response.body());
      row(out, "flows captured", count(metrics.sum("tapwire_proxy_flows_total")) + " since start");
      row(out, "tunnels (not captured)", count(metrics.sum("tapwire_proxy_tunnels_total")));
      row(out, "events published", count(metrics.sum("tapwire_capture_events_published_total")));
      row(
          out,
          "spool depth",
          count(metrics.sum("tapwire_capture_spool_records"))
              + " events, "
              + count(metrics.sum("tapwire_capture_spool_bytes"))
              + " bytes");
    } catch (java.io.IOException e) {
      row(out, "admin endpoint", admin + " not reachable: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      row(out, "admin endpoint", "interrupted");
    }
  }

  private void printKafka(PrintWriter out, Map<String, String> settings) {
    Map<String, Object> admin = new HashMap<>(KafkaClients.adminProperties(settings));
    admin.putIfAbsent("request.timeout.ms", 5000);
    admin.putIfAbsent("default.api.timeout.ms", 10000);
    try (Admin client = Admin.create(admin)) {
      KafkaProgress progress = KafkaProgress.read(client, TopicBootstrap.TOPICS);
      progress
          .endOffsets()
          .forEach(
              (topic, end) ->
                  row(out, "end offset " + topic, end + " (records + transaction markers)"));
      progress.lag().forEach((group, lag) -> row(out, "lag " + group, lag + " offsets"));
    } catch (Exception e) {
      row(out, "kafka", settings.get("kafka.bootstrap.servers") + " not reachable: " + e);
    }
  }

  private static String rows(Path dataset) {
    if (!ParquetViews.hasParquetFile(dataset)) {
      return "0 (no file yet)";
    }
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = duck.createStatement();
        ResultSet rs =
            statement.executeQuery(
                "SELECT count(*) FROM read_parquet('"
                    + dataset.toString().replace("'", "''")
                    + "/**/*.parquet')")) {
      rs.next();
      return Long.toString(rs.getLong(1));
    } catch (SQLException e) {
      return "unreadable: " + e.getMessage();
    }
  }

  private static String auditRows(Path db) {
    if (!Files.exists(db)) {
      return "0 (no audit.db)";
    }
    try (Connection sqlite = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement statement = sqlite.createStatement();
        ResultSet rs = statement.executeQuery("SELECT count(*) FROM audit_calls")) {
      rs.next();
      return Long.toString(rs.getLong(1));
    } catch (SQLException e) {
      return "unreadable: " + e.getMessage();
    }
  }

  private static String count(OptionalDouble value) {
    return value.isPresent() ? Long.toString(Math.round(value.getAsDouble())) : "n/a";
  }

  private static void row(PrintWriter out, String name, String value) {
    out.printf("%-40s %s%n", name + ":", value);
  }
}
