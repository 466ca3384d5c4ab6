package dev.tapwire.cli;

import dev.tapwire.cli.config.CliConfig;
import dev.tapwire.cli.config.ConfigSources;
import dev.tapwire.cli.run.KafkaClients;
import dev.tapwire.cli.run.Lifecycle;
import dev.tapwire.cli.run.Services;
import dev.tapwire.cli.run.TopicBootstrap;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code tapwire proxy}: the capturing proxy and its Kafka publisher, alone. */
@Command(
    name = "proxy",
    mixinStandardHelpOptions = true,
    description = {
      "Run the proxy alone: MITM for the --mitm-host hosts, blind tunnel for the rest; raw flow"
          + " events to tapwire.flows.raw, through a durable spool in <data-dir>/spool when Kafka"
          + " is slow or down. The CA lives in <data-dir>/ca.",
      "Stops cleanly on Ctrl-C / SIGTERM."
    })
final class ProxyCommand extends SettingsCommand implements Callable<Integer> {
  @Mixin ServiceOptions serviceOptions;

  @Mixin ProxyOptions proxyOptions;

  ProxyCommand(ConfigSources sources) {
    super(sources);
  }

  @Override
  public Integer call() throws Exception {
    Map<String, Object> settings = ServiceSettings.forDataDir(dataDir(), resolveSettings(true));
    requireKafka(settings);
    Services.validate(settings, true, false, false);
    CliConfig cli = cliConfig(settings);
    TopicBootstrap.ensure(
        KafkaClients.adminProperties(settings),
        cli.getInt(CliConfig.TOPICS_PARTITIONS),
        cli.getShort(CliConfig.TOPICS_REPLICATION_FACTOR));
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (Lifecycle lifecycle = new Lifecycle()) {
      Services.Proxy proxy = Services.startProxy(lifecycle, settings, meters);
      int adminPort = Services.startAdmin(lifecycle, settings, meters, proxy.publisher());
      spec.commandLine()
          .getErr()
          .println(
              "tapwire proxy: listening on port "
                  + proxy.proxy().port()
                  + ", CA "
                  + proxy.proxy().certificateAuthority().certificatePath()
                  + (adminPort < 0 ? "" : ", admin http://127.0.0.1:" + adminPort + "/metrics"));
      lifecycle.closeOnShutdownAndAwait();
    }
    return 0;
  }
}
