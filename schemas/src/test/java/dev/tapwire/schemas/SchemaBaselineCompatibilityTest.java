package dev.tapwire.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapwire.avro.CallRecord;
import dev.tapwire.avro.DeadLetter;
import dev.tapwire.avro.FlowEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The current schemas must stay BACKWARD compatible with the baseline copies in {@code
 * src/test/resources/baseline/}: a consumer with the new schema reads everything written with the
 * baseline (Avro {@code SchemaCompatibility.checkReaderWriterCompatibility(current, baseline)}).
 * Changes that pass: new fields with defaults, removed fields, type promotions (int to long).
 * Changes that fail: a new field without a default, an incompatible type change, a renamed record.
 * After a release, copy the released .avsc files over the baseline.
 */
class SchemaBaselineCompatibilityTest {
  private static final Map<String, Schema> CURRENT =
      Stream.of(
              FlowEvent.getClassSchema(), CallRecord.getClassSchema(), DeadLetter.getClassSchema())
          .collect(Collectors.toMap(Schema::getFullName, s -> s));

  static List<Path> baselineFiles() throws IOException, URISyntaxException {
    Path dir = Path.of(SchemaBaselineCompatibilityTest.class.getResource("/baseline").toURI());
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".avsc")).sorted().toList();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("baselineFiles")
  void shouldReadEverythingWrittenWithTheBaselineSchema(Path baselineFile) throws IOException {
    Schema baseline = new Schema.Parser().parse(baselineFile.toFile());
    Schema current = CURRENT.get(baseline.getFullName());
    assertThat(current)
        .as("a current schema named %s (was it renamed or removed?)", baseline.getFullName())
        .isNotNull();

    assertThat(backwardIncompatibilities(current, baseline))
        .as("%s must be BACKWARD compatible with %s", current.getFullName(), baselineFile)
        .isEmpty();
  }

  @Test
  void shouldHaveABaselineForEverySchemaFile() throws IOException, URISyntaxException {
    List<String> baselines = baselineFiles().stream().map(p -> p.getFileName().toString()).toList();
    try (Stream<Path> sources = Files.list(Path.of("src/main/avro"))) {
      assertThat(baselines)
          .containsExactlyInAnyOrderElementsOf(
              sources.map(p -> p.getFileName().toString()).toList());
    }
  }

  /**
   * FORWARD for the call record: the sink and replay consumers of {@code tapwire.calls} may still
   * run with the baseline schema while an upgraded stream processor writes the current one, so a
   * reader with the baseline schema must read what the current schema writes (no new enum symbols,
   * no removed field without a default).
   */
  @Test
  void shouldLetConsumersBuiltWithTheBaselineReadTheCurrentCallRecord()
      throws IOException, URISyntaxException {
    Path baselineFile =
        Path.of(
            SchemaBaselineCompatibilityTest.class
                .getResource("/baseline/call-record.avsc")
                .toURI());
    Schema baseline = new Schema.Parser().parse(baselineFile.toFile());

    assertThat(backwardIncompatibilities(baseline, CallRecord.getClassSchema()))
        .as("a reader with %s must read records written with the current CallRecord", baselineFile)
        .isEmpty();
  }

  @Test
  void shouldFailWhenAFieldWithoutDefaultIsAdded() throws IOException {
    Schema baseline = FlowEvent.getClassSchema();
    Schema changed = withField(baseline, "{\"name\":\"tenant\",\"type\":\"string\"}");

    assertThat(backwardIncompatibilities(changed, baseline))
        .singleElement()
        .asString()
        .contains("READER_FIELD_MISSING_DEFAULT")
        .contains("tenant");
  }

  @Test
  void shouldPassWhenAnOptionalFieldWithDefaultIsAdded() throws IOException {
    Schema baseline = CallRecord.getClassSchema();
    Schema changed =
        withField(
            baseline, "{\"name\":\"tenant\",\"type\":[\"null\",\"string\"],\"default\":null}");

    assertThat(backwardIncompatibilities(changed, baseline)).isEmpty();
  }

  @Test
  void shouldFailWhenAFieldTypeChangesIncompatibly() throws IOException {
    Schema baseline = DeadLetter.getClassSchema();
    ObjectMapper json = new ObjectMapper();
    ObjectNode node = (ObjectNode) json.readTree(baseline.toString());
    for (var field : node.get("fields")) {
      if (field.get("name").asText().equals("source_partition")) {
        ((ObjectNode) field).put("type", "string");
      }
    }
    Schema changed = new Schema.Parser().parse(node.toString());

    assertThat(backwardIncompatibilities(changed, baseline))
        .singleElement()
        .asString()
        .contains("TYPE_MISMATCH");
  }

  /** The check this test applies: reader = current, writer = baseline. */
  static List<String> backwardIncompatibilities(Schema current, Schema baseline) {
    SchemaPairCompatibility result =
        SchemaCompatibility.checkReaderWriterCompatibility(current, baseline);
    return result.getResult().getIncompatibilities().stream()
        .map(i -> i.getType() + " at " + i.getLocation() + ": " + i.getMessage())
        .toList();
  }

  private static Schema withField(Schema schema, String fieldJson) {
    try {
      ObjectMapper json = new ObjectMapper();
      ObjectNode node = (ObjectNode) json.readTree(schema.toString());
      ((ArrayNode) node.get("fields")).add(json.readTree(fieldJson));
      return new Schema.Parser().parse(node.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
