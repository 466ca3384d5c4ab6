package dev.tapwire.replay.observe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tapwire.avro.FlowEvent;
import dev.tapwire.avro.RequestHead;
import dev.tapwire.avro.ResponseHead;
import dev.tapwire.avro.SseChunk;
import dev.tapwire.processor.attribution.ClientSoftware;
import dev.tapwire.processor.call.FlowContents;
import dev.tapwire.processor.decode.ContentDecoder;
import dev.tapwire.processor.decode.DecodeResult;
import dev.tapwire.processor.http.Headers;
import dev.tapwire.processor.provider.ProviderParsers;
import dev.tapwire.processor.sse.SseParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Observes the JSON bodies of one flow at a time into an {@link Observation}: the request body, the
 * non-SSE response body, and the JSON data of every SSE event (by event type), each under its
 * {@link ObservationKey}. Bodies are content-decoded with the stream processor's {@link
 * ContentDecoder} (gzip, deflate, br, zstd) and SSE is parsed with its WHATWG {@link SseParser};
 * the operation comes from {@link ProviderParsers} and the client from {@link ClientSoftware}.
 *
 * <p>Only shapes are recorded: paths, JSON types, {@link StringFormat}s, counts, first and last
 * seen (flow start), example flow ids; plus the values of {@code content_block_delta.delta.type}
 * (an enumerated type tag). A body that is not JSON or cannot be decoded is counted, not kept.
 */
public final class SchemaObserver {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CONTENT_BLOCK_DELTA = "content_block_delta";
  private static final Pattern ID_LIKE_NAME =
      Pattern.compile(
          "^([0-9]+|[0-9a-fA-F]{16,}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$");

  private static final Pattern NAME = Pattern.compile("^[A-Za-z_$@][A-Za-z0-9_$@:-]{0,63}$");

  private final Observation observation;
  private final ContentDecoder decoder = new ContentDecoder();

  /**
   * @param observation receives what is observed
   */
  public SchemaObserver(Observation observation) {
    this.observation = observation;
  }

  /** Observes one flow, its events in sequence order. */
  public void observe(List<FlowEvent> events) {
    FlowContents flow = new FlowContents();
    events.forEach(flow::add);
    observation.count("flows", 1);
    RequestHead head = flow.requestHead();
    if (head == null) {
      observation.count("flows_without_request", 1);
      return;
    }
    String flowId = flow.flowId().toString();
    Instant at = flow.startTime();
    Headers requestHeaders = new Headers(head.getHeaders());
    ClientSoftware client = ClientSoftware.fromUserAgent(requestHeaders.first("user-agent"));
    String operation =
        ProviderParsers.select(head.getHost(), head.getPath())
            .operation()
            .name()
            .toLowerCase(Locale.ROOT);
    byte[] requestBody = FlowContents.join(flow.requestBody());
    if (requestBody.length > 0) {
      observeBody(
          new ObservationKey(operation, ObservationKey.REQUEST, client.name(), client.version()),
          requestHeaders.first("content-encoding"),
          requestBody,
          flowId,
          at);
    }
    ResponseHead response = flow.responseHead();
    if (response == null) {
      return;
    }
    Headers responseHeaders = new Headers(response.getHeaders());
    String contentType = responseHeaders.first("content-type");
    boolean sse =
        !flow.sseChunks().isEmpty()
            || (contentType != null
                && contentType.toLowerCase(Locale.ROOT).startsWith("text/event-stream"));
    String encoding = responseHeaders.first("content-encoding");
    if (sse) {
      List<ByteBuffer> parts = new ArrayList<>(flow.responseBody());
      for (SseChunk chunk : flow.sseChunks()) {
        parts.add(chunk.getData());
      }
      observeStream(operation, client, encoding, FlowContents.join(parts), flowId, at);
    } else {
      byte[] body = FlowContents.join(flow.responseBody());
      if (body.length > 0) {
        String direction =
            response.getStatus() >= 400 ? ObservationKey.ERROR_RESPONSE : ObservationKey.RESPONSE;
        observeBody(
            new ObservationKey(operation, direction, client.name(), client.version()),
            encoding,
            body,
            flowId,
            at);
      }
    }
  }

  private void observeStream(
      String operation,
      ClientSoftware client,
      String encoding,
      byte[] body,
      String flowId,
      Instant at) {
    DecodeResult decoded = decoder.decode(encoding, body);
    if (!decoded.isOk()) {
      observation.count("bodies_not_decodable", 1);
      return;
    }
    List<dev.tapwire.processor.sse.SseEvent> events = new ArrayList<>();
    SseParser parser = new SseParser(events::add);
    parser.feed(decoded.bytes(), 0, decoded.bytes().length);
    parser.finish();
    for (dev.tapwire.processor.sse.SseEvent event : events) {
      ObservationKey key =
          new ObservationKey(
              operation, ObservationKey.SSE_PREFIX + event.type(), client.name(), client.version());
      JsonNode data = parse(event.data());
      if (data == null) {
        observation.count("sse_events_not_json", 1);
        continue;
      }
      observation.count("sse_events", 1);
      observeDocument(key, data, flowId, at);
    }
  }

  private void observeBody(
      ObservationKey key, String encoding, byte[] body, String flowId, Instant at) {
    DecodeResult decoded = decoder.decode(encoding, body);
    if (!decoded.isOk()) {
      observation.count("bodies_not_decodable", 1);
      return;
    }
    JsonNode document = parse(decoded.bytes());
    if (document == null) {
      observation.count("bodies_not_json", 1);
      return;
    }
    observation.count("bodies", 1);
    observeDocument(key, document, flowId, at);
  }

  private void observeDocument(ObservationKey key, JsonNode document, String flowId, Instant at) {
    ObservedSchema schema = observation.schema(key);
    schema.document(flowId, at);
    String deltaType = null;
    if (CONTENT_BLOCK_DELTA.equals(key.sseEventType())) {
      JsonNode type = document.path("delta").path("type");
      if (type.isTextual()) {
        deltaType = type.textValue();
        schema.deltaType(deltaType, flowId, at);
      }
    }
    Set<String> present = new HashSet<>();
    walk(schema, document, "$", null, deltaType, present, flowId, at);
    for (String path : present) {
      schema.field(path).presentIn(flowId, at);
    }
  }

  private void walk(
      ObservedSchema schema,
      JsonNode node,
      String path,
      String tag,
      String deltaType,
      Set<String> present,
      String flowId,
      Instant at) {
    FieldStats stats = schema.field(path);
    if (stats != null) {
      stats.occurrence(
          typeOf(node),
          node.isTextual() ? StringFormat.of(node.textValue()) : null,
          tag,
          flowId,
          at);
      present.add(path);
    }
    if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        String name = fieldName(field.getKey());
        String child = path.equals("$") ? name : path + "." + name;
        // Paths under content_block_delta's delta carry the delta type they occurred in.
        String childTag = tag != null ? tag : (path.equals("delta") ? deltaType : null);
        walk(schema, field.getValue(), child, childTag, deltaType, present, flowId, at);
      }
    } else if (node.isArray()) {
      String child = path.equals("$") ? "[]" : path + "[]";
      for (JsonNode element : node) {
        walk(schema, element, child, tag, deltaType, present, flowId, at);
      }
    }
  }

  /**
   * The path segment of a member name: names that look like identifiers (digits, long hex, UUIDs)
   * or are not names at all (white space, slashes, dots, brackets, over 64 characters: map keys
   * that carry data, such as file paths) become {@code *}, so a path never carries a value.
   */
  static String fieldName(String name) {
    if (ID_LIKE_NAME.matcher(name).matches() || !NAME.matcher(name).matches()) {
      return "*";
    }
    return name;
  }

  /** The JSON type name: object, array, string, integer, number, boolean or null. */
  static String typeOf(JsonNode node) {
    return switch (node.getNodeType()) {
      case OBJECT, POJO -> "object";
      case ARRAY -> "array";
      case STRING, BINARY -> "string";
      case NUMBER -> node.isIntegralNumber() ? "integer" : "number";
      case BOOLEAN -> "boolean";
      default -> "null";
    };
  }

  private static JsonNode parse(byte[] bytes) {
    if (!looksLikeJson(bytes)) {
      return null;
    }
    try {
      return JSON.readTree(bytes);
    } catch (IOException e) {
      return null;
    }
  }

  private static JsonNode parse(String text) {
    if (text.isEmpty()) {
      return null;
    }
    try {
      JsonNode node = JSON.readTree(text);
      return node == null || node.isMissingNode() ? null : node;
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  private static boolean looksLikeJson(byte[] bytes) {
    for (byte b : bytes) {
      if (b == ' ' || b == '\n' || b == '\r' || b == '\t') {
        continue;
      }
      return b == '{' || b == '[';
    }
    return false;
  }
}
