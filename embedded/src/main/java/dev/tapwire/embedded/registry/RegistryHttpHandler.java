package dev.tapwire.embedded.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.tapwire.registry.SchemaRegistry;
import dev.tapwire.serde.CompatibilityLevel;
import dev.tapwire.serde.SchemaMetadata;
import dev.tapwire.serde.SchemaRegistryException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Confluent Schema Registry REST subset over a {@link SchemaRegistry} (Confluent "Schema
 * Registry API Reference"):
 *
 * <ul>
 *   <li>{@code GET /subjects}, {@code GET /subjects/{s}/versions};
 *   <li>{@code POST /subjects/{s}/versions} (register, answers {@code {"id":n}}), {@code POST
 *       /subjects/{s}} (look up, answers subject, id, version, schema);
 *   <li>{@code GET /subjects/{s}/versions/{v|latest}} and {@code .../schema};
 *   <li>{@code GET /schemas/ids/{id}} (answers {@code {"schema":text}}), {@code GET /schemas/types}
 *       (answers {@code ["AVRO"]});
 *   <li>{@code GET|PUT /config}, {@code GET|PUT /config/{s}} ({@code ?defaultToGlobal=true});
 *   <li>{@code POST /compatibility/subjects/{s}/versions/{v|latest}} (answers {@code
 *       {"is_compatible":bool}}).
 * </ul>
 *
 * Answers use the content type {@code application/vnd.schemaregistry.v1+json}; errors are {@code
 * {"error_code":40401,"message":...}} with the matching HTTP status. Only Avro schemas without
 * references are accepted.
 */
final class RegistryHttpHandler implements HttpHandler {
  static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final Logger LOG = LoggerFactory.getLogger(RegistryHttpHandler.class);

  private final SchemaRegistry registry;
  private final ObjectMapper json = new ObjectMapper();

  RegistryHttpHandler(SchemaRegistry registry) {
    this.registry = registry;
  }

  /** An HTTP answer: status and JSON body. */
  private record Reply(int status, JsonNode body) {}

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    Reply reply;
    try {
      reply = route(exchange);
    } catch (SchemaRegistryException e) {
      reply = error(e.httpStatus() > 0 ? e.httpStatus() : 500, e.errorCode(), e.getMessage());
    } catch (BadRequest e) {
      reply = error(e.status, e.errorCode, e.getMessage());
    } catch (RuntimeException e) {
      LOG.error(
          "Registry request {} {} failed",
          exchange.getRequestMethod(),
          exchange.getRequestURI(),
          e);
      reply =
          error(
              500, SchemaRegistryException.STORE_ERROR, "Error in the backend: " + e.getMessage());
    }
    byte[] body = json.writeValueAsBytes(reply.body());
    exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
    exchange.sendResponseHeaders(reply.status(), body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private Reply route(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
    List<String> path = segments(exchange.getRequestURI().getRawPath());
    String query = Optional.ofNullable(exchange.getRequestURI().getRawQuery()).orElse("");
    int n = path.size();
    if (n == 0) {
      return ok(json.createObjectNode());
    }
    switch (path.get(0)) {
      case "subjects" -> {
        if (n == 1 && method.equals("GET")) {
          ArrayNode subjects = json.createArrayNode();
          registry.subjects().forEach(subjects::add);
          return ok(subjects);
        }
        String subject = n >= 2 ? path.get(1) : null;
        if (n == 2 && method.equals("POST")) {
          return ok(metadata(registry.lookup(subject, schemaOf(exchange))));
        }
        if (n == 3 && path.get(2).equals("versions") && method.equals("GET")) {
          ArrayNode versions = json.createArrayNode();
          registry.versions(subject).forEach(versions::add);
          return ok(versions);
        }
        if (n == 3 && path.get(2).equals("versions") && method.equals("POST")) {
          SchemaMetadata registered = registry.register(subject, schemaOf(exchange));
          return ok(json.createObjectNode().put("id", registered.id()));
        }
        if (n == 4 && path.get(2).equals("versions") && method.equals("GET")) {
          return ok(metadata(registry.version(subject, version(path.get(3)))));
        }
        if (n == 5
            && path.get(2).equals("versions")
            && path.get(4).equals("schema")
            && method.equals("GET")) {
          return ok(
              json.readTree(registry.version(subject, version(path.get(3))).schema().toString()));
        }
      }
      case "schemas" -> {
        if (n == 2 && path.get(1).equals("types") && method.equals("GET")) {
          return ok(json.createArrayNode().add("AVRO"));
        }
        if (n == 3 && path.get(1).equals("ids") && method.equals("GET")) {
          int id = intSegment(path.get(2), "schema id", SchemaRegistryException.SCHEMA_NOT_FOUND);
          return ok(json.createObjectNode().put("schema", registry.schemaById(id).toString()));
        }
      }
      case "config" -> {
        if (n == 1 && method.equals("GET")) {
          return ok(level(registry.globalCompatibility()));
        }
        if (n == 1 && method.equals("PUT")) {
          CompatibilityLevel level = levelOf(exchange);
          registry.setCompatibility(null, level);
          return ok(json.createObjectNode().put("compatibility", level.name()));
        }
        if (n == 2 && method.equals("GET")) {
          Optional<CompatibilityLevel> own = registry.subjectCompatibility(path.get(1));
          if (own.isPresent()) {
            return ok(level(own.get()));
          }
          if (query.contains("defaultToGlobal=true")) {
            return ok(level(registry.globalCompatibility()));
          }
          return error(
              404,
              SchemaRegistryException.SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED,
              "Subject '" + path.get(1) + "' does not have subject-level compatibility configured");
        }
        if (n == 2 && method.equals("PUT")) {
          CompatibilityLevel level = levelOf(exchange);
          registry.setCompatibility(path.get(1), level);
          return ok(json.createObjectNode().put("compatibility", level.name()));
        }
      }
      case "compatibility" -> {
        if (n == 5
            && path.get(1).equals("subjects")
            && path.get(3).equals("versions")
            && method.equals("POST")) {
          List<String> reasons =
              registry.compatibilityViolations(
                  path.get(2), schemaOf(exchange), version(path.get(4)));
          ObjectNode answer = json.createObjectNode().put("is_compatible", reasons.isEmpty());
          if (query.contains("verbose=true")) {
            ArrayNode messages = answer.putArray("messages");
            reasons.forEach(messages::add);
          }
          return ok(answer);
        }
      }
      default -> {
        // falls through to 404 below
      }
    }
    return error(404, 404, "HTTP 404 Not Found: " + method + " " + exchange.getRequestURI());
  }

  private ObjectNode metadata(SchemaMetadata metadata) {
    return json.createObjectNode()
        .put("subject", metadata.subject())
        .put("version", metadata.version())
        .put("id", metadata.id())
        .put("schema", metadata.schema().toString());
  }

  private ObjectNode level(CompatibilityLevel level) {
    return json.createObjectNode().put("compatibilityLevel", level.name());
  }

  private String schemaOf(HttpExchange exchange) throws IOException {
    JsonNode body = body(exchange);
    JsonNode type = body.get("schemaType");
    if (type != null && !type.isNull() && !type.asText().equals("AVRO")) {
      throw new BadRequest(
          422,
          SchemaRegistryException.INVALID_SCHEMA,
          "Invalid schema: schemaType " + type.asText() + " is not supported, only AVRO");
    }
    JsonNode references = body.get("references");
    if (references != null && references.isArray() && !references.isEmpty()) {
      throw new BadRequest(
          422,
          SchemaRegistryException.INVALID_SCHEMA,
          "Invalid schema: references are not supported");
    }
    JsonNode schema = body.get("schema");
    if (schema == null || !schema.isTextual()) {
      throw new BadRequest(
          422,
          SchemaRegistryException.INVALID_SCHEMA,
          "Invalid schema: field 'schema' (text) missing");
    }
    return schema.asText();
  }

  private CompatibilityLevel levelOf(HttpExchange exchange) throws IOException {
    String text = body(exchange).path("compatibility").asText("");
    try {
      return CompatibilityLevel.valueOf(text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new BadRequest(
          422,
          SchemaRegistryException.INVALID_COMPATIBILITY_LEVEL,
          "Invalid compatibility level '" + text + "'");
    }
  }

  private JsonNode body(HttpExchange exchange) throws IOException {
    byte[] bytes = exchange.getRequestBody().readAllBytes();
    try {
      JsonNode body = json.readTree(bytes);
      if (body == null || !body.isObject()) {
        throw new BadRequest(422, 422, "Request body must be a JSON object");
      }
      return body;
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw new BadRequest(400, 400, "Request body is not JSON: " + e.getOriginalMessage());
    }
  }

  private static int version(String segment) {
    if (segment.equals("latest")) {
      return -1;
    }
    return intSegment(segment, "version", SchemaRegistryException.INVALID_VERSION);
  }

  private static int intSegment(String segment, String what, int errorCode) {
    try {
      return Integer.parseInt(segment);
    } catch (NumberFormatException e) {
      throw new BadRequest(
          errorCode == SchemaRegistryException.SCHEMA_NOT_FOUND ? 404 : 422,
          errorCode,
          "The specified " + what + " '" + segment + "' is not a valid integer");
    }
  }

  private static List<String> segments(String rawPath) {
    List<String> segments = new ArrayList<>();
    for (String raw : rawPath.split("/")) {
      if (!raw.isEmpty()) {
        segments.add(URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8));
      }
    }
    return segments;
  }

  private static Reply ok(JsonNode body) {
    return new Reply(200, body);
  }

  private Reply error(int status, int errorCode, String message) {
    return new Reply(
        status, json.createObjectNode().put("error_code", errorCode).put("message", message));
  }

  /** A request the handler rejects before it reaches the registry. */
  private static final class BadRequest extends RuntimeException {
    private final int status;
    private final int errorCode;

    BadRequest(int status, int errorCode, String message) {
      super(message);
      this.status = status;
      this.errorCode = errorCode;
    }
  }
}
