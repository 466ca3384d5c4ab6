package dev.tapwire.proxy.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP endpoint (JDK {@link HttpServer}, one thread):
 *
 * <ul>
 *   <li>{@code GET /metrics}: every meter of the {@link PrometheusMeterRegistry} in the Prometheus
 *       text exposition format 0.0.4 (prometheus.io/docs/instrumenting/exposition_formats);
 *   <li>{@code GET /healthz}: {@code 200 {"status":"UP","checks":{...}}} when every {@link
 *       HealthCheck} is healthy, else {@code 503 {"status":"DOWN","reasons":[...],...}}.
 * </ul>
 *
 * Other paths answer 404, other methods 405. Bind it to loopback (the default) unless a scraper
 * elsewhere needs it: it has no authentication.
 */
public final class AdminServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  private static final String JSON = "application/json";

  private final InetSocketAddress bind;
  private final PrometheusMeterRegistry registry;
  private final List<HealthCheck> checks;
  private final ObjectMapper json = new ObjectMapper();
  private HttpServer server;
  private ExecutorService executor;

  /**
   * @param bind address and port to listen on (port 0 picks a free one)
   * @param registry the registry whose meters {@code /metrics} serves
   * @param checks the checks {@code /healthz} runs, in order
   */
  public AdminServer(
      InetSocketAddress bind, PrometheusMeterRegistry registry, List<HealthCheck> checks) {
    this.bind = Objects.requireNonNull(bind);
    this.registry = Objects.requireNonNull(registry);
    this.checks = List.copyOf(checks);
  }

  /** Creates the server from {@code admin.*} settings. */
  public AdminServer(
      AdminConfig config, PrometheusMeterRegistry registry, List<HealthCheck> checks) {
    this(config.bindAddress(), registry, checks);
  }

  /**
   * Binds and starts serving.
   *
   * @throws IOException if the address cannot be bound
   */
  public synchronized void start() throws IOException {
    if (server != null) {
      throw new IllegalStateException("AdminServer already started");
    }
    HttpServer http = HttpServer.create(bind, 16);
    http.createContext("/metrics", this::metrics);
    http.createContext("/healthz", this::health);
    http.createContext("/", exchange -> respond(exchange, 404, "text/plain", "not found\n"));
    executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "tapwire-admin-http");
              t.setDaemon(true);
              return t;
            });
    http.setExecutor(executor);
    http.start();
    server = http;
    log.info("Admin server on http://{}:{} (/metrics, /healthz)", bind.getHostString(), port());
  }

  /** The port it listens on (the chosen one when configured with 0). */
  public synchronized int port() {
    if (server == null) {
      throw new IllegalStateException("AdminServer not started");
    }
    return server.getAddress().getPort();
  }

  private void metrics(HttpExchange exchange) throws IOException {
    if (!allowGet(exchange)) {
      return;
    }
    respond(exchange, 200, PROMETHEUS_TEXT, registry.scrape());
  }

  private void health(HttpExchange exchange) throws IOException {
    if (!allowGet(exchange)) {
      return;
    }
    Map<String, Object> body = new LinkedHashMap<>();
    Map<String, Object> results = new LinkedHashMap<>();
    List<String> reasons = new java.util.ArrayList<>();
    for (HealthCheck check : checks) {
      Map<String, Object> result = new LinkedHashMap<>();
      HealthStatus status;
      try {
        status = check.check();
      } catch (RuntimeException e) {
        log.warn("Health check {} failed", check.name(), e);
        status = new HealthStatus(false, "health check failed: " + e, Map.of());
      }
      result.put("status", status.healthy() ? "UP" : "DOWN");
      if (status.reason() != null) {
        result.put("reason", status.reason());
        reasons.add(check.name() + ": " + status.reason());
      }
      result.putAll(status.details());
      results.put(check.name(), result);
    }
    boolean up = reasons.isEmpty();
    body.put("status", up ? "UP" : "DOWN");
    if (!up) {
      body.put("reasons", reasons);
    }
    body.put("checks", results);
    respond(exchange, up ? 200 : 503, JSON, json.writeValueAsString(body));
  }

  private static boolean allowGet(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    if ("GET".equals(method) || "HEAD".equals(method)) {
      return true;
    }
    exchange.getResponseHeaders().add("Allow", "GET, HEAD");
    respond(exchange, 405, "text/plain", "method not allowed\n");
    return false;
  }

  private static void respond(HttpExchange exchange, int status, String contentType, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", contentType);
    exchange.getResponseHeaders().add("Cache-Control", "no-store");
    boolean head = "HEAD".equals(exchange.getRequestMethod());
    exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      if (!head) {
        out.write(bytes);
      }
    }
  }

  /** Stops serving (waiting at most 1 s for exchanges in progress). Idempotent. */
  @Override
  public synchronized void close() {
    if (server != null) {
      server.stop(1);
      executor.shutdownNow();
      server = null;
    }
  }
}
