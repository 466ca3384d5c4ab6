package dev.tapwire.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.tapwire.avro.FlowEvent;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The REST client's protocol handling (retries, error mapping, caching, headers) against a real
 * HTTP server that answers a script. Behaviour against a full registry is tested in the embedded
 * module.
 */
class RestSchemaRegistryClientTest {
  private final ConcurrentLinkedQueue<Answer> script = new ConcurrentLinkedQueue<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final List<String> contentTypes = new CopyOnWriteArrayList<>();
  private HttpServer server;
  private RestSchemaRegistryClient client;

  record Answer(int status, String body) {}

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
          contentTypes.add(String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type")));
          exchange.getRequestBody().readAllBytes();
          Answer answer = script.poll();
          if (answer == null) {
            answer = new Answer(500, "{\"error_code\":50001,\"message\":\"script exhausted\"}");
          }
          byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", RestSchemaRegistryClient.CONTENT_TYPE);
          exchange.sendResponseHeaders(answer.status(), body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    client =
        new RestSchemaRegistryClient(
            "http://127.0.0.1:" + server.getAddress().getPort() + "/",
            Duration.ofSeconds(5),
            3,
            Duration.ofMillis(1));
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  @Test
  void shouldRetryServerErrorsWithBackoffAndThenSucceed() {
    script.add(new Answer(503, "{\"error_code\":50003,\"message\":\"not ready\"}"));
    script.add(new Answer(500, "oops, not json"));
    script.add(new Answer(200, "{\"id\":7}"));

    assertThat(client.register("flows-value", FlowEvent.getClassSchema())).isEqualTo(7);
    assertThat(requests).hasSize(3).allMatch(r -> r.equals("POST /subjects/flows-value/versions"));
    assertThat(contentTypes).allMatch(RestSchemaRegistryClient.CONTENT_TYPE::equals);
  }

  @Test
  void shouldGiveUpAfterMaxRetries() {
    assertThatThrownBy(() -> client.getById(3))
        .isInstanceOfSatisfying(
            SchemaRegistryUnavailableException.class,
            e -> {
              assertThat(e.httpStatus()).isEqualTo(500);
              assertThat(e.errorCode()).isEqualTo(50001);
            });
    assertThat(requests).hasSize(4);
  }

  @Test
  void shouldNotRetryClientErrorsAndMapErrorCodes() {
    script.add(new Answer(404, "{\"error_code\":40401,\"message\":\"Subject 'x' not found.\"}"));
    script.add(new Answer(404, "{\"error_code\":40402,\"message\":\"Version 9 not found.\"}"));
    script.add(new Answer(404, "{\"error_code\":40403,\"message\":\"Schema 5 not found\"}"));
    script.add(new Answer(409, "{\"error_code\":409,\"message\":\"incompatible\"}"));
    script.add(new Answer(422, "{\"error_code\":42201,\"message\":\"Invalid schema\"}"));
    script.add(new Answer(409, "{\"error_code\":40901,\"message\":\"incompatible\"}"));

    assertThatThrownBy(() -> client.getLatest("x"))
        .isInstanceOf(SubjectNotFoundException.class)
        .hasMessageContaining("Subject 'x' not found.");
    assertThatThrownBy(() -> client.getVersion("x", 9))
        .isInstanceOf(VersionNotFoundException.class);
    assertThatThrownBy(() -> client.getById(5)).isInstanceOf(SchemaNotFoundException.class);
    assertThatThrownBy(() -> client.register("x", FlowEvent.getClassSchema()))
        .isInstanceOfSatisfying(
            IncompatibleSchemaException.class, e -> assertThat(e.errorCode()).isEqualTo(409));
    assertThatThrownBy(() -> client.register("x", FlowEvent.getClassSchema()))
        .isInstanceOfSatisfying(
            InvalidSchemaException.class, e -> assertThat(e.httpStatus()).isEqualTo(422));
    assertThatThrownBy(() -> client.register("x", FlowEvent.getClassSchema()))
        .isInstanceOfSatisfying(
            IncompatibleSchemaException.class, e -> assertThat(e.errorCode()).isEqualTo(40901));
    assertThat(requests).hasSize(6);
  }

  @Test
  void shouldCacheSchemasByIdAndRegisteredIds() {
    String schemaJson =
        new com.fasterxml.jackson.databind.node.TextNode(FlowEvent.getClassSchema().toString())
            .toString();
    script.add(new Answer(200, "{\"schema\":" + schemaJson + "}"));
    script.add(new Answer(200, "{\"id\":3}"));

    assertThat(client.getById(3)).isEqualTo(FlowEvent.getClassSchema());
    assertThat(client.getById(3)).isEqualTo(FlowEvent.getClassSchema());
    assertThat(client.register("s", FlowEvent.getClassSchema())).isEqualTo(3);
    assertThat(client.register("s", FlowEvent.getClassSchema())).isEqualTo(3);

    assertThat(requests).containsExactly("GET /schemas/ids/3", "POST /subjects/s/versions");
  }

  @Test
  void shouldEncodeSubjectInPath() {
    script.add(new Answer(200, "[\"a b\",\"tapwire.calls-value\"]"));
    script.add(new Answer(404, "{\"error_code\":40401,\"message\":\"nope\"}"));

    assertThat(client.subjects()).containsExactly("a b", "tapwire.calls-value");
    assertThatThrownBy(() -> client.getLatest("a b/c"))
        .isInstanceOf(SubjectNotFoundException.class);
    assertThat(requests.get(1)).isEqualTo("GET /subjects/a%20b%2Fc/versions/latest");
  }

  @Test
  void shouldRejectNonHttpUrl() {
    assertThatThrownBy(() -> new RestSchemaRegistryClient("localhost:8081"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("http(s)://host");
  }
}
