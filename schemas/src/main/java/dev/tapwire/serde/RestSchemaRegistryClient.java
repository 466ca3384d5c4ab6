package dev.tapwire.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SchemaRegistryClient} over the Confluent Schema Registry REST API, with the JDK {@link
 * HttpClient} and Jackson.
 *
 * <p>Requests and answers use the content type {@value #CONTENT_TYPE}. Schemas by id never change,
 * so they are cached forever; so are the ids of schemas registered or looked up under a subject.
 * "Latest version" and configuration answers are not cached.
 *
 * <p>A connect failure, an I/O error or a 5xx answer is retried up to {@code maxRetries} times with
 * exponential backoff (doubling from {@code initialBackoff}, capped at 5 s); a 4xx answer is not
 * retried but mapped to the matching {@link SchemaRegistryException} subclass by its {@code
 * error_code}. When retries are exhausted a {@link SchemaRegistryUnavailableException} is thrown.
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {
  /** Content type of the Confluent REST API, version 1. */
  public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

  private static final Logger LOG = LoggerFactory.getLogger(RestSchemaRegistryClient.class);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

  private final URI baseUri;
  private final Duration requestTimeout;
  private final int maxRetries;
  private final Duration initialBackoff;
  private final HttpClient http;
  private final ObjectMapper json = new ObjectMapper();

  private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
  private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();
  private final Map<String, Map<Schema, SchemaMetadata>> lookupsBySubject =
      new ConcurrentHashMap<>();

  /**
   * Creates a client with a 10 s request timeout and 3 retries starting at 100 ms backoff.
   *
   * @param baseUrl the registry's base URL, e.g. {@code http://127.0.0.1:8081}
   */
  public RestSchemaRegistryClient(String baseUrl) {
    this(baseUrl, Duration.ofSeconds(10), 3, Duration.ofMillis(100));
  }

  /**
   * Creates a client.
   *
   * @param baseUrl the registry's base URL, e.g. {@code http://127.0.0.1:8081}
   * @param requestTimeout timeout of one HTTP request, also used as connect timeout
   * @param maxRetries how many times a failed request is retried (0 = no retry)
   * @param initialBackoff wait before the first retry; doubles with each further retry
   * @throws IllegalArgumentException if the URL is not an absolute http(s) URL
   */
  public RestSchemaRegistryClient(
      String baseUrl, Duration requestTimeout, int maxRetries, Duration initialBackoff) {
    this.baseUri = parseBaseUrl(baseUrl);
    this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
    if (maxRetries < 0) {
      throw new IllegalArgumentException("maxRetries must be >= 0, got " + maxRetries);
    }
    this.maxRetries = maxRetries;
    this.initialBackoff = Objects.requireNonNull(initialBackoff, "initialBackoff");
    this.http = HttpClient.newBuilder().connectTimeout(requestTimeout).build();
  }

  private static URI parseBaseUrl(String baseUrl) {
    Objects.requireNonNull(baseUrl, "baseUrl");
    String trimmed = baseUrl.trim();
    while (trimmed.endsWith("/")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1);
    }
    URI uri;
    try {
      uri = URI.create(trimmed);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Not a schema registry URL: '" + baseUrl + "'", e);
    }
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())
        || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "Schema registry URL must be absolute http(s)://host[:port], got '" + baseUrl + "'");
    }
    return uri;
  }

  /** The registry's base URL, without a trailing slash. */
  public String baseUrl() {
    return baseUri.toString();
  }

  @Override
  public int register(String subject, Schema schema) {
    Map<Schema, Integer> ids =
        idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
    Integer cached = ids.get(schema);
    if (cached != null) {
      return cached;
    }
    JsonNode answer =
        send("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema));
    int id = requiredInt(answer, "id");
    ids.put(schema, id);
    schemasById.putIfAbsent(id, schema);
    return id;
  }

  @Override
  public Schema getById(int id) {
    Schema cached = schemasById.get(id);
    if (cached != null) {
      return cached;
    }
    JsonNode answer = send("GET", "/schemas/ids/" + id, null);
    checkAvro(answer);
    Schema schema = parse(requiredText(answer, "schema"));
    Schema previous = schemasById.putIfAbsent(id, schema);
    return previous != null ? previous : schema;
  }

  @Override
  public SchemaMetadata lookup(String subject, Schema schema) {
    Map<Schema, SchemaMetadata> lookups =
        lookupsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
    SchemaMetadata cached = lookups.get(schema);
    if (cached != null) {
      return cached;
    }
    JsonNode answer = send("POST", "/subjects/" + encode(subject), schemaBody(schema));
    SchemaMetadata metadata = metadata(subject, answer, schema);
    lookups.put(schema, metadata);
    schemasById.putIfAbsent(metadata.id(), metadata.schema());
    return metadata;
  }

  @Override
  public SchemaMetadata getLatest(String subject) {
    return metadata(
        subject, send("GET", "/subjects/" + encode(subject) + "/versions/latest", null), null);
  }

  @Override
  public SchemaMetadata getVersion(String subject, int version) {
    return metadata(
        subject, send("GET", "/subjects/" + encode(subject) + "/versions/" + version, null), null);
  }

  @Override
  public List<String> subjects() {
    JsonNode answer = send("GET", "/subjects", null);
    if (!answer.isArray()) {
      throw new SchemaRegistryException(
          "GET /subjects did not answer an array: " + answer, -1, 200);
    }
    List<String> subjects = new ArrayList<>();
    answer.forEach(node -> subjects.add(node.asText()));
    subjects.sort(null);
    return subjects;
  }

  @Override
  public CompatibilityLevel getCompatibility() {
    return level(send("GET", "/config", null));
  }

  @Override
  public void setCompatibility(CompatibilityLevel level) {
    send("PUT", "/config", configBody(level));
  }

  @Override
  public CompatibilityLevel getCompatibility(String subject) {
    return level(send("GET", "/config/" + encode(subject) + "?defaultToGlobal=true", null));
  }

  @Override
  public void setCompatibility(String subject, CompatibilityLevel level) {
    send("PUT", "/config/" + encode(subject), configBody(level));
  }

  private String schemaBody(Schema schema) {
    ObjectNode body = json.createObjectNode();
    body.put("schema", schema.toString());
    return body.toString();
  }

  private String configBody(CompatibilityLevel level) {
    ObjectNode body = json.createObjectNode();
    body.put("compatibility", level.name());
    return body.toString();
  }

  private CompatibilityLevel level(JsonNode answer) {
    JsonNode level = answer.get("compatibilityLevel");
    if (level == null) {
      level = answer.get("compatibility");
    }
    if (level == null || !level.isTextual()) {
      throw new SchemaRegistryException("No compatibility level in answer: " + answer, -1, 200);
    }
    return CompatibilityLevel.valueOf(level.asText());
  }

  private SchemaMetadata metadata(String subject, JsonNode answer, Schema known) {
    checkAvro(answer);
    Schema schema = known != null ? known : parse(requiredText(answer, "schema"));
    JsonNode answeredSubject = answer.get("subject");
    return new SchemaMetadata(
        answeredSubject != null ? answeredSubject.asText() : subject,
        requiredInt(answer, "version"),
        requiredInt(answer, "id"),
        schema);
  }

  private static void checkAvro(JsonNode answer) {
    JsonNode type = answer.get("schemaType");
    if (type != null && !type.isNull() && !"AVRO".equals(type.asText())) {
      throw new SchemaRegistryException(
          "Schema type " + type.asText() + " is not supported, only AVRO", -1, 200);
    }
  }

  private static Schema parse(String text) {
    try {
      return new Schema.Parser().parse(text);
    } catch (SchemaParseException e) {
      throw new SchemaRegistryException("Registry returned an unparseable schema", -1, 200, e);
    }
  }

  private static int requiredInt(JsonNode answer, String field) {
    JsonNode node = answer.get(field);
    if (node == null || !node.canConvertToInt()) {
      throw new SchemaRegistryException(
          "Registry answer lacks integer '" + field + "': " + answer, -1, 200);
    }
    return node.asInt();
  }

  private static String requiredText(JsonNode answer, String field) {
    JsonNode node = answer.get(field);
    if (node == null || !node.isTextual()) {
      throw new SchemaRegistryException(
          "Registry answer lacks text '" + field + "': " + answer, -1, 200);
    }
    return node.asText();
  }

  private static String encode(String subject) {
    return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** Sends one request with retries; answers the parsed JSON body of a 2xx answer. */
  private JsonNode send(String method, String pathAndQuery, String body) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(baseUri + pathAndQuery))
            .timeout(requestTimeout)
            .header("Accept", CONTENT_TYPE + ", application/json");
    if (body != null) {
      builder
          .header("Content-Type", CONTENT_TYPE)
          .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    } else {
      builder.method(method, HttpRequest.BodyPublishers.noBody());
    }
    HttpRequest request = builder.build();
    String what = method + " " + baseUri + pathAndQuery;
    Duration backoff = initialBackoff;
    for (int attempt = 0; ; attempt++) {
      SchemaRegistryException failure;
      try {
        HttpResponse<String> response =
            http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
          return json.readTree(response.body());
        }
        SchemaRegistryException error = errorOf(what, status, response.body());
        if (status < 500) {
          throw error;
        }
        failure =
            new SchemaRegistryUnavailableException(
                error.getMessage(), error.errorCode(), error.httpStatus());
      } catch (IOException e) {
        failure =
            new SchemaRegistryUnavailableException(
                what + " failed: " + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SchemaRegistryUnavailableException(what + " interrupted", e);
      }
      if (attempt >= maxRetries) {
        if (maxRetries > 0) {
          failure.addSuppressed(
              new IllegalStateException("gave up after " + (attempt + 1) + " attempts"));
        }
        throw failure;
      }
      LOG.warn(
          "Schema registry request {} failed (attempt {} of {}), retrying in {} ms: {}",
          what,
          attempt + 1,
          maxRetries + 1,
          backoff.toMillis(),
          failure.getMessage());
      sleep(backoff, what);
      backoff =
          backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
              ? MAX_BACKOFF
              : backoff.multipliedBy(2);
    }
  }

  private SchemaRegistryException errorOf(String what, int status, String body) {
    int errorCode = status;
    String message = body;
    try {
      JsonNode node = json.readTree(body);
      if (node != null && node.has("error_code")) {
        errorCode = node.get("error_code").asInt(status);
      }
      if (node != null && node.has("message")) {
        message = node.get("message").asText();
      }
    } catch (IOException e) {
      LOG.debug("Error body of {} is not JSON: {}", what, e.getMessage());
    }
    return SchemaRegistryException.fromErrorCode(
        errorCode,
        status,
        what + " -> HTTP " + status + ", error_code " + errorCode + ": " + message);
  }

  private static void sleep(Duration backoff, String what) {
    try {
      Thread.sleep(backoff.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SchemaRegistryUnavailableException(what + " interrupted during backoff", e);
    }
  }
}
