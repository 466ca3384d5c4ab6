package dev.tapwire.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdminServerTest {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicBoolean healthy = new AtomicBoolean(true);
  private final HttpClient http = HttpClient.newHttpClient();
  private AdminServer server;

  @BeforeEach
  void start() throws Exception {
    HealthCheck capture =
        new HealthCheck() {
          @Override
          public String name() {
            return "capture";
          }

          @Override
          public HealthStatus check() {
            return healthy.get()
                ? new HealthStatus(true, null, Map.of("mode", "direct"))
                : new HealthStatus(false, "capture spool is full", Map.of("mode", "spooling"));
          }
        };
    server =
        new AdminServer(
            new AdminConfig(Map.of(AdminConfig.PORT_CONFIG, 0)), registry, List.of(capture));
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void shouldServeMetersInPrometheusTextFormat() throws Exception {
    Counter.builder("tapwire.capture.events.published").register(registry).increment(3);
    HttpResponse<String> response = get("/metrics");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("text/plain; version=0.0.4"));
    assertThat(response.body().lines())
        .contains("# TYPE tapwire_capture_events_published_total counter")
        .contains("tapwire_capture_events_published_total 3.0");
  }

  @Test
  void shouldAnswerUpWhileCaptureIsHealthyAnd503WithTheReasonOtherwise() throws Exception {
    ObjectMapper json = new ObjectMapper();
    HttpResponse<String> up = get("/healthz");
    assertThat(up.statusCode()).isEqualTo(200);
    JsonNode body = json.readTree(up.body());
    assertThat(body.get("status").asText()).isEqualTo("UP");
    assertThat(body.at("/checks/capture/mode").asText()).isEqualTo("direct");

    healthy.set(false);
    HttpResponse<String> down = get("/healthz");
    assertThat(down.statusCode()).isEqualTo(503);
    JsonNode downBody = json.readTree(down.body());
    assertThat(downBody.get("status").asText()).isEqualTo("DOWN");
    assertThat(downBody.get("reasons").get(0).asText()).isEqualTo("capture: capture spool is full");
    assertThat(downBody.at("/checks/capture/status").asText()).isEqualTo("DOWN");
  }

  @Test
  void shouldRejectUnknownPathsAndMethods() throws Exception {
    assertThat(get("/nope").statusCode()).isEqualTo(404);
    HttpResponse<String> post =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/healthz"))
                .POST(HttpRequest.BodyPublishers.ofString("x"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
  }

  @Test
  void shouldBindToLoopbackByDefault() {
    AdminConfig defaults = new AdminConfig(Map.of());
    InetSocketAddress bind = defaults.bindAddress();
    assertThat(bind.getAddress().isLoopbackAddress()).isTrue();
    assertThat(bind.getPort()).isEqualTo(AdminConfig.DEFAULT_PORT);
    assertThat(defaults.enabled()).isTrue();
  }
}
