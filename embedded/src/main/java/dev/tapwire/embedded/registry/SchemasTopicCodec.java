package dev.tapwire.embedded.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapwire.registry.RegistryRecord;
import dev.tapwire.registry.RegistryRecord.Config;
import dev.tapwire.registry.RegistryRecord.SchemaVersion;
import dev.tapwire.serde.CompatibilityLevel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * JSON keys and values of the {@code _schemas} topic, in the layout Confluent Schema Registry uses,
 * so the topic reads familiar to operators:
 *
 * <ul>
 *   <li>schema: key {@code {"keytype":"SCHEMA","subject":s,"version":v,"magic":1}}, value {@code
 *       {"subject":s,"version":v,"id":id,"schema":text,"deleted":false}};
 *   <li>config: key {@code {"keytype":"CONFIG","subject":s|null,"magic":0}}, value {@code
 *       {"compatibilityLevel":"BACKWARD"}}.
 * </ul>
 *
 * Keys are unique per schema version and per config scope, so topic compaction keeps every version
 * and the latest config.
 */
final class SchemasTopicCodec {
  private final ObjectMapper json = new ObjectMapper();

  /** The record's key JSON. */
  String key(RegistryRecord record) {
    ObjectNode key = json.createObjectNode();
    if (record instanceof SchemaVersion v) {
      key.put("keytype", "SCHEMA").put("subject", v.subject()).put("version", v.version());
      key.put("magic", 1);
    } else if (record instanceof Config c) {
      key.put("keytype", "CONFIG");
      if (c.subject() == null) {
        key.putNull("subject");
      } else {
        key.put("subject", c.subject());
      }
      key.put("magic", 0);
    } else {
      throw new IllegalArgumentException("Unknown registry record " + record);
    }
    return key.toString();
  }

  /** The record's value JSON. */
  String value(RegistryRecord record) {
    ObjectNode value = json.createObjectNode();
    if (record instanceof SchemaVersion v) {
      value.put("subject", v.subject()).put("version", v.version()).put("id", v.id());
      value.put("schema", v.schema()).put("deleted", false);
    } else if (record instanceof Config c) {
      value.put("compatibilityLevel", c.level().name());
    } else {
      throw new IllegalArgumentException("Unknown registry record " + record);
    }
    return value.toString();
  }

  /**
   * Decodes one topic record.
   *
   * @return the registry record, or empty for records that carry no state (tombstones, deleted
   *     versions, other key types such as Confluent's NOOP)
   * @throws UncheckedIOException if key or value is not JSON
   * @throws IllegalArgumentException if a known key type lacks a field
   */
  Optional<RegistryRecord> decode(String keyText, String valueText) {
    if (keyText == null || valueText == null) {
      return Optional.empty();
    }
    JsonNode key = read(keyText);
    JsonNode value = read(valueText);
    String keyType = key.path("keytype").asText("");
    switch (keyType) {
      case "SCHEMA" -> {
        if (value.path("deleted").asBoolean(false)) {
          return Optional.empty();
        }
        return Optional.of(
            new SchemaVersion(
                required(value, "subject").asText(),
                required(value, "version").asInt(),
                required(value, "id").asInt(),
                required(value, "schema").asText()));
      }
      case "CONFIG" -> {
        JsonNode subject = key.get("subject");
        return Optional.of(
            new Config(
                subject == null || subject.isNull() ? null : subject.asText(),
                CompatibilityLevel.valueOf(required(value, "compatibilityLevel").asText())));
      }
      default -> {
        return Optional.empty();
      }
    }
  }

  private JsonNode read(String text) {
    try {
      return json.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException("Not JSON: " + text, e);
    }
  }

  private static JsonNode required(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw new IllegalArgumentException("Field '" + field + "' missing in " + node);
    }
    return value;
  }
}
