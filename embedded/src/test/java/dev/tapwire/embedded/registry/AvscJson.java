package dev.tapwire.embedded.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificData;

/**
 * Renders a Java Avro value as the JSON the Node package {@code avsc} (under
 * {@code @kafkajs/confluent-schema-registry}, default options) uses for it, independently of
 * Tapwire's serde: records as objects; logical types as their underlying Avro values
 * (timestamp-micros as a number, uuid as a string, decimal as bytes); bytes as {@code
 * {"$bytes":"<base64>"}} (the convention of {@code crosscheck.js}); a union of null and one type
 * unwrapped; other unions wrapped as {@code {"<branch full name>": value}} (avsc's {@code
 * wrapUnions: 'auto'} wraps unions whose branches it cannot tell apart by JSON kind).
 */
final class AvscJson {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private AvscJson() {}

  static JsonNode of(Object value, Schema schema, SpecificData model) {
    String logical = schema.getLogicalType() == null ? null : schema.getLogicalType().getName();
    if (value instanceof Instant instant && "timestamp-micros".equals(logical)) {
      return NODES.numberNode(ChronoUnit.MICROS.between(Instant.EPOCH, instant));
    }
    if (value instanceof UUID uuid) {
      return NODES.textNode(uuid.toString());
    }
    if (value instanceof BigDecimal decimal) {
      return bytes(decimal.unscaledValue().toByteArray());
    }
    switch (schema.getType()) {
      case RECORD -> {
        ObjectNode node = NODES.objectNode();
        IndexedRecord record = (IndexedRecord) value;
        for (Schema.Field field : schema.getFields()) {
          node.set(field.name(), of(record.get(field.pos()), field.schema(), model));
        }
        return node;
      }
      case UNION -> {
        if (value == null) {
          return NODES.nullNode();
        }
        List<Schema> branches = schema.getTypes();
        Schema branch = branches.get(model.resolveUnion(schema, value));
        boolean nullPlusOne =
            branches.size() == 2
                && branches.stream().anyMatch(b -> b.getType() == Schema.Type.NULL);
        JsonNode rendered = of(value, branch, model);
        return nullPlusOne ? rendered : NODES.objectNode().set(branch.getFullName(), rendered);
      }
      case ARRAY -> {
        ArrayNode array = NODES.arrayNode();
        ((List<?>) value).forEach(item -> array.add(of(item, schema.getElementType(), model)));
        return array;
      }
      case MAP -> {
        ObjectNode map = NODES.objectNode();
        ((Map<?, ?>) value)
            .forEach((k, v) -> map.set(k.toString(), of(v, schema.getValueType(), model)));
        return map;
      }
      case BYTES -> {
        ByteBuffer buffer = ((ByteBuffer) value).duplicate();
        byte[] data = new byte[buffer.remaining()];
        buffer.get(data);
        return bytes(data);
      }
      case ENUM, STRING -> {
        return NODES.textNode(value.toString());
      }
      case INT -> {
        return NODES.numberNode((Integer) value);
      }
      case LONG -> {
        return NODES.numberNode((Long) value);
      }
      case FLOAT -> {
        return NODES.numberNode((Float) value);
      }
      case DOUBLE -> {
        return NODES.numberNode((Double) value);
      }
      case BOOLEAN -> {
        return NODES.booleanNode((Boolean) value);
      }
      case NULL -> {
        return NODES.nullNode();
      }
      default -> throw new IllegalArgumentException("Unsupported Avro type " + schema.getType());
    }
  }

  private static JsonNode bytes(byte[] data) {
    return NODES.objectNode().put("$bytes", Base64.getEncoder().encodeToString(data));
  }
}
