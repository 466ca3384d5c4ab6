package dev.tapwire.replay.observe;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns an {@link ObservedSchema} into a JSON Schema, draft 2020-12 ({@code
 * https://json-schema.org/draft/2020-12/schema}): {@code type} from the observed JSON types, {@code
 * properties} and {@code items} from the paths, {@code required} for members present in every
 * occurrence of their object, {@code format} where the one observed string format has a standard
 * name ({@code uuid}, {@code date-time}, {@code uri}). Observation facts are annotations with an
 * {@code x-tapwire-} prefix (unknown keywords are annotations in 2020-12): presence ratio, string
 * formats with counts, first and last seen, and the delta types of fields under {@code
 * content_block_delta.delta}. Additional properties are not restricted.
 */
public final class JsonSchemaWriter {
  /** The draft 2020-12 meta-schema URI. */
  public static final String DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final Map<String, String> STANDARD_FORMATS =
      Map.of("uuid", "uuid", "date-time", "date-time", "url", "uri");

  private JsonSchemaWriter() {}

  /** The JSON Schema of {@code schema}, observed under {@code key}. */
  public static ObjectNode toJsonSchema(ObservationKey key, ObservedSchema schema) {
    ObjectNode root = JSON.createObjectNode();
    root.put("$schema", DRAFT_2020_12);
    root.put(
        "title",
        key.operation()
            + " "
            + key.direction()
            + " of "
            + key.clientName()
            + " "
            + key.clientVersion());
    root.put(
        "description",
        "Observed by tapwire schemas observe: types, formats and presence only, no values.");
    root.put("x-tapwire-documents", schema.documents().count());
    root.put("x-tapwire-first-seen", String.valueOf(schema.documents().first()));
    root.put("x-tapwire-last-seen", String.valueOf(schema.documents().last()));
    long documents = Math.max(1, schema.documents().count());
    Map<String, ObjectNode> nodes = new HashMap<>();
    List<String> paths = new ArrayList<>(schema.fields().keySet());
    paths.sort(Comparator.comparingInt(String::length).thenComparing(Comparator.naturalOrder()));
    for (String path : paths) {
      FieldStats stats = schema.fields().get(path);
      ObjectNode node;
      if (path.equals("$")) {
        node = root;
      } else {
        ObjectNode parent = nodes.get(parentOf(path));
        if (parent == null) {
          continue; // parent dropped by the path cap
        }
        if (path.endsWith("[]")) {
          node = parent.putObject("items");
        } else {
          String name = path.substring(path.lastIndexOf('.') + 1);
          ObjectNode properties =
              parent.has("properties")
                  ? (ObjectNode) parent.get("properties")
                  : parent.putObject("properties");
          node = properties.putObject(name);
          FieldStats parentStats = schema.fields().get(parentOf(path));
          long parentObjects =
              parentStats.types().containsKey("object")
                  ? parentStats.types().get("object").count()
                  : 0;
          if (parentObjects > 0 && stats.occurrences() == parentObjects) {
            ArrayNode required =
                parent.has("required")
                    ? (ArrayNode) parent.get("required")
                    : parent.putArray("required");
            required.add(name);
          }
        }
      }
      describe(node, stats, documents);
      nodes.put(path, node);
    }
    return root;
  }

  private static void describe(ObjectNode node, FieldStats stats, long documents) {
    List<String> types = new ArrayList<>(stats.types().keySet());
    if (types.size() == 1) {
      node.put("type", types.get(0));
    } else {
      ArrayNode t = node.putArray("type");
      types.forEach(t::add);
    }
    if (stats.formats().size() == 1) {
      String standard = STANDARD_FORMATS.get(stats.formats().keySet().iterator().next());
      if (standard != null) {
        node.put("format", standard);
      }
    }
    if (!stats.formats().isEmpty()) {
      ObjectNode formats = node.putObject("x-tapwire-formats");
      stats.formats().forEach((f, s) -> formats.put(f, s.count()));
    }
    node.put("x-tapwire-presence", stats.documents().count() / (double) documents);
    node.put("x-tapwire-first-seen", String.valueOf(stats.documents().first()));
    node.put("x-tapwire-last-seen", String.valueOf(stats.documents().last()));
    if (!stats.deltaTypes().isEmpty()) {
      ArrayNode d = node.putArray("x-tapwire-delta-types");
      stats.deltaTypes().forEach(d::add);
    }
  }

  /** The parent path: {@code a.b → a}, {@code a[] → a}, {@code a → $}, {@code [] → $}. */
  static String parentOf(String path) {
    if (path.endsWith("[]")) {
      String parent = path.substring(0, path.length() - 2);
      return parent.isEmpty() ? "$" : parent;
    }
    int dot = path.lastIndexOf('.');
    return dot < 0 ? "$" : path.substring(0, dot);
  }

  /** Writes one file per key into {@code <dir>/schemas/}. */
  public static void writeAll(Observation observation, Path dir) throws IOException {
    Path schemas = dir.resolve(ObservationJson.SCHEMAS_DIR);
    Files.createDirectories(schemas);
    for (Map.Entry<ObservationKey, ObservedSchema> e : observation.schemas().entrySet()) {
      JSON.writeValue(
          schemas.resolve(e.getKey().fileName()).toFile(), toJsonSchema(e.getKey(), e.getValue()));
    }
  }
}
