package dev.tapwire.replay.observe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapwire.replay.ReplayException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Writes an {@link Observation} as {@code observed.json} and reads it back (as the baseline of a
 * later run). Shape:
 *
 * <pre>{@code
 * {"format": "tapwire-observed/1", "input": "tapwire.flows.raw", "counters": {"flows": 12, ...},
 *  "keys": [{"operation": "messages", "direction": "request", "client_name": "claude-cli",
 *            "client_version": "2.1.3", "schema_file": "schemas/....schema.json",
 *            "documents": 4, "first_seen": "...", "last_seen": "...", "examples": [flow ids],
 *            "dropped_paths": 0,
 *            "fields": {"metadata.user_id": {"documents": 4, "presence_ratio": 1.0,
 *                       "occurrences": 4, "first_seen": ..., "last_seen": ..., "examples": [...],
 *                       "types": {"string": {"count": 4, "first_seen": ..., "last_seen": ...,
 *                                            "examples": [...]}},
 *                       "formats": {"json-text": {...}}, "delta_types": [...]}},
 *            "delta_types": {"text_delta": {"count": ..., ...}}}]}
 * }</pre>
 */
public final class ObservationJson {
  /** The format tag written and required when reading. */
  public static final String FORMAT = "tapwire-observed/1";

  /** File name inside the output directory. */
  public static final String FILE = "observed.json";

  /** Directory of the JSON Schema files inside the output directory. */
  public static final String SCHEMAS_DIR = "schemas";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ObservationJson() {}

  /** The JSON document of {@code observation}. */
  public static ObjectNode toJson(Observation observation, String input) {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    root.put("input", input);
    ObjectNode counters = root.putObject("counters");
    observation.counters().forEach(counters::put);
    ArrayNode keys = root.putArray("keys");
    observation
        .schemas()
        .forEach(
            (key, schema) -> {
              ObjectNode k = keys.addObject();
              k.put("operation", key.operation());
              k.put("direction", key.direction());
              k.put("client_name", key.clientName());
              k.put("client_version", key.clientVersion());
              k.put("schema_file", SCHEMAS_DIR + "/" + key.fileName());
              seen(k, schema.documents(), "documents");
              k.put("dropped_paths", schema.droppedPaths());
              ObjectNode fields = k.putObject("fields");
              long documents = Math.max(1, schema.documents().count());
              schema
                  .fields()
                  .forEach(
                      (path, stats) -> {
                        ObjectNode f = fields.putObject(path);
                        seen(f, stats.documents(), "documents");
                        f.put("presence_ratio", stats.documents().count() / (double) documents);
                        f.put("occurrences", stats.occurrences());
                        ObjectNode types = f.putObject("types");
                        stats.types().forEach((t, s) -> seen(types.putObject(t), s, "count"));
                        if (!stats.formats().isEmpty()) {
                          ObjectNode formats = f.putObject("formats");
                          stats.formats().forEach((t, s) -> seen(formats.putObject(t), s, "count"));
                        }
                        if (!stats.deltaTypes().isEmpty()) {
                          ArrayNode deltaTypes = f.putArray("delta_types");
                          stats.deltaTypes().forEach(deltaTypes::add);
                        }
                      });
              if (!schema.deltaTypes().isEmpty()) {
                ObjectNode deltaTypes = k.putObject("delta_types");
                schema.deltaTypes().forEach((t, s) -> seen(deltaTypes.putObject(t), s, "count"));
              }
            });
    return root;
  }

  /** Writes {@code observed.json} into {@code dir}. */
  public static void write(Observation observation, String input, Path dir) throws IOException {
    Files.createDirectories(dir);
    JSON.writeValue(dir.resolve(FILE).toFile(), toJson(observation, input));
  }

  /**
   * Reads {@code <dir>/observed.json}.
   *
   * @throws ReplayException if the file is missing, not JSON or not of {@link #FORMAT}
   */
  public static Observation read(Path dir) {
    Path file = dir.resolve(FILE);
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new ReplayException("cannot read baseline " + file + ": " + e.getMessage(), e);
    }
    if (root == null || !FORMAT.equals(root.path("format").asText())) {
      throw new ReplayException(file + " is not a " + FORMAT + " file");
    }
    Observation observation = new Observation();
    root.path("counters")
        .fields()
        .forEachRemaining(e -> observation.count(e.getKey(), e.getValue().asLong()));
    for (JsonNode k : root.path("keys")) {
      ObservationKey key =
          new ObservationKey(
              k.path("operation").asText(),
              k.path("direction").asText(),
              k.path("client_name").asText(),
              k.path("client_version").asText());
      ObservedSchema schema = observation.schema(key);
      restore(schema.documents(), k, "documents");
      schema.restoreDroppedPaths(k.path("dropped_paths").asLong());
      Iterator<Map.Entry<String, JsonNode>> fields = k.path("fields").fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> e = fields.next();
        FieldStats stats = new FieldStats();
        JsonNode f = e.getValue();
        restore(stats.documents(), f, "documents");
        stats.restoreOccurrences(f.path("occurrences").asLong());
        f.path("types")
            .fields()
            .forEachRemaining(
                t ->
                    restore(
                        stats.types().computeIfAbsent(t.getKey(), x -> new Seen()),
                        t.getValue(),
                        "count"));
        f.path("formats")
            .fields()
            .forEachRemaining(
                t ->
                    restore(
                        stats.formats().computeIfAbsent(t.getKey(), x -> new Seen()),
                        t.getValue(),
                        "count"));
        List<String> deltaTypes = new ArrayList<>();
        f.path("delta_types").forEach(d -> deltaTypes.add(d.asText()));
        stats.restoreDeltaTypes(deltaTypes);
        schema.fields().put(e.getKey(), stats);
      }
      k.path("delta_types")
          .fields()
          .forEachRemaining(
              t ->
                  restore(
                      schema.deltaTypes().computeIfAbsent(t.getKey(), x -> new Seen()),
                      t.getValue(),
                      "count"));
    }
    return observation;
  }

  private static void seen(ObjectNode node, Seen seen, String countName) {
    node.put(countName, seen.count());
    node.put("first_seen", seen.first() == null ? null : seen.first().toString());
    node.put("last_seen", seen.last() == null ? null : seen.last().toString());
    ArrayNode examples = node.putArray("examples");
    seen.examples().flowIds().forEach(examples::add);
  }

  private static void restore(Seen seen, JsonNode node, String countName) {
    List<String> examples = new ArrayList<>();
    node.path("examples").forEach(e -> examples.add(e.asText()));
    seen.restore(
        node.path(countName).asLong(),
        instant(node.path("first_seen")),
        instant(node.path("last_seen")),
        examples);
  }

  private static Instant instant(JsonNode node) {
    return node.isTextual() ? Instant.parse(node.asText()) : null;
  }
}
