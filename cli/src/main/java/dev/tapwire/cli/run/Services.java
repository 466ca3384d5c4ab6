package dev.tapwire.cli.run;

import dev.tapwire.processor.ProcessorConfig;
import dev.tapwire.processor.StreamProcessorService;
import dev.tapwire.proxy.ProxyConfig;
import dev.tapwire.proxy.ProxyService;
import dev.tapwire.proxy.admin.AdminConfig;
import dev.tapwire.proxy.admin.AdminServer;
import dev.tapwire.proxy.admin.CaptureHealthCheck;
import dev.tapwire.proxy.publish.KafkaFlowPublisher;
import dev.tapwire.proxy.publish.PublisherConfig;
import dev.tapwire.sink.SinkConfig;
import dev.tapwire.sink.SinkService;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * Starts Tapwire's services into a {@link Lifecycle}, in the order that lets each close cleanly:
 * the publisher before the proxy (so the proxy, closed first, can finish its flows into it), the
 * sink and processor independently. Each method validates its settings before starting anything.
 */
public final class Services {
  private Services() {}

  /** The proxy and its Kafka publisher, validated before either starts. */
  public record Proxy(ProxyService proxy, KafkaFlowPublisher publisher) {}

  /**
   * Validates every service's settings without starting anything.
   *
   * @throws org.apache.kafka.common.config.ConfigException naming the first invalid setting
   */
  public static void validate(
      Map<String, ?> settings, boolean proxy, boolean processor, boolean sink) {
    if (proxy) {
      new ProxyConfig(settings);
      new PublisherConfig(settings);
      new AdminConfig(settings);
    }
    if (processor) {
      new ProcessorConfig(settings);
    }
    if (sink) {
      new SinkConfig(settings);
    }
  }

  /**
   * Starts the admin server ({@code /metrics}, {@code /healthz} with the capture check) unless
   * {@code admin.enabled=false}.
   *
   * @return its bound port, or -1 when disabled
   * @throws Exception if the port cannot be bound
   */
  public static int startAdmin(
      Lifecycle lifecycle,
      Map<String, ?> settings,
      PrometheusMeterRegistry meters,
      KafkaFlowPublisher publisher)
      throws Exception {
    AdminConfig config = new AdminConfig(settings);
    if (!config.enabled()) {
      return -1;
    }
    AdminServer admin =
        lifecycle.start(
            "admin server",
            () -> {
              AdminServer a =
                  new AdminServer(config, meters, List.of(new CaptureHealthCheck(publisher)));
              a.start();
              return a;
            });
    return admin.port();
  }

  /**
   * Starts the stream processor (Kafka Streams, exactly once).
   *
   * @throws Exception if a setting is invalid
   */
  public static StreamProcessorService startProcessor(Lifecycle lifecycle, Map<String, ?> settings)
      throws Exception {
    ProcessorConfig config = new ProcessorConfig(settings);
    return lifecycle.start(
        "stream processor",
        () -> {
          StreamProcessorService processor = new StreamProcessorService(config, Clock.systemUTC());
          processor.start();
          return processor;
        });
  }

  /**
   * Starts the publisher, then the proxy feeding it.
   *
   * @throws Exception if the spool cannot be opened, a port cannot be bound or a setting is invalid
   */
  public static Proxy startProxy(Lifecycle lifecycle, Map<String, ?> settings, MeterRegistry meters)
      throws Exception {
    ProxyConfig proxyConfig = new ProxyConfig(settings);
    PublisherConfig publisherConfig = new PublisherConfig(settings);
    KafkaFlowPublisher publisher =
        lifecycle.start(
            "publisher",
            () -> {
              KafkaFlowPublisher p = KafkaFlowPublisher.create(publisherConfig, meters);
              p.start();
              return p;
            });
    ProxyService proxy =
        lifecycle.start("proxy", () -> new ProxyService(proxyConfig, publisher, meters).start());
    return new Proxy(proxy, publisher);
  }

  /**
   * Starts the Parquet and audit sinks.
   *
   * @throws Exception if a setting is invalid or a client cannot be created
   */
  public static SinkService startSink(Lifecycle lifecycle, Map<String, ?> settings)
      throws Exception {
    SinkConfig config = new SinkConfig(settings);
    return lifecycle.start(
        "sink",
        () -> {
          SinkService sink = new SinkService(config);
          sink.start();
          return sink;
        });
  }
}
