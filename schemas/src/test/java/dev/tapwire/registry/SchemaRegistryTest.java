package dev.tapwire.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tapwire.serde.CompatibilityLevel;
import dev.tapwire.serde.IncompatibleSchemaException;
import dev.tapwire.serde.InvalidSchemaException;
import dev.tapwire.serde.SchemaMetadata;
import dev.tapwire.serde.SchemaNotFoundException;
import dev.tapwire.serde.SchemaRegistryException;
import dev.tapwire.serde.SubjectNotFoundException;
import dev.tapwire.serde.VersionNotFoundException;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchemaRegistryTest {
  private static final String V1 = thing("{\"name\":\"a\",\"type\":\"int\"}");
  private static final String V2_OPTIONAL_B =
      thing(
          "{\"name\":\"a\",\"type\":\"int\"}",
          "{\"name\":\"b\",\"type\":[\"null\",\"string\"],\"default\":null}");
  private static final String V2_REQUIRED_B =
      thing("{\"name\":\"a\",\"type\":\"int\"}", "{\"name\":\"b\",\"type\":\"string\"}");

  private final InMemoryRegistryStore store = new InMemoryRegistryStore();
  private final SchemaRegistry registry = new SchemaRegistry(store);

  @Test
  void shouldAssignIdsAndVersionsFromOne() {
    SchemaMetadata first = registry.register("things-value", V1);
    SchemaMetadata second = registry.register("things-value", V2_OPTIONAL_B);

    assertThat(first.id()).isEqualTo(1);
    assertThat(first.version()).isEqualTo(1);
    assertThat(second.id()).isEqualTo(2);
    assertThat(second.version()).isEqualTo(2);
    assertThat(registry.versions("things-value")).containsExactly(1, 2);
    assertThat(registry.version("things-value", -1)).isEqualTo(second);
  }

  @Test
  void shouldReturnSameIdForSameSchemaWrittenDifferently() {
    int id = registry.register("things-value", V1).id();
    String sameWithSpaces =
        "{ \"namespace\" : \"test\", \"name\" : \"Thing\", \"type\" : \"record\",\n"
            + "  \"fields\" : [ { \"type\" : \"int\", \"name\" : \"a\" } ] }";

    SchemaMetadata again = registry.register("things-value", sameWithSpaces);

    assertThat(again.id()).isEqualTo(id);
    assertThat(again.version()).isEqualTo(1);
    assertThat(registry.versions("things-value")).containsExactly(1);
    assertThat(registry.lookup("things-value", sameWithSpaces).id()).isEqualTo(id);
  }

  @Test
  void shouldShareIdButNotVersionAcrossSubjects() {
    registry.register("other-value", V2_OPTIONAL_B);
    int id = registry.register("things-value", V1).id();

    SchemaMetadata elsewhere = registry.register("more-value", V1);

    assertThat(elsewhere.id()).isEqualTo(id);
    assertThat(elsewhere.version()).isEqualTo(1);
    assertThat(registry.subjects()).containsExactly("more-value", "other-value", "things-value");
  }

  @Test
  void shouldRejectFieldWithoutDefaultUnderBackward() {
    registry.register("things-value", V1);

    assertThatThrownBy(() -> registry.register("things-value", V2_REQUIRED_B))
        .isInstanceOfSatisfying(
            IncompatibleSchemaException.class, e -> assertThat(e.errorCode()).isEqualTo(409))
        .hasMessageContaining("READER_FIELD_MISSING_DEFAULT")
        .hasMessageContaining("b");
    assertThat(registry.versions("things-value")).containsExactly(1);
    assertThat(store.load()).hasSize(1);
  }

  @Test
  void shouldAcceptAnythingUnderNone() {
    registry.setCompatibility(null, CompatibilityLevel.NONE);
    registry.register("things-value", V1);

    assertThat(registry.register("things-value", V2_REQUIRED_B).version()).isEqualTo(2);
  }

  @Test
  void shouldCheckEveryEarlierVersionOnlyWhenTransitive() {
    String withIntB =
        thing(
            "{\"name\":\"a\",\"type\":\"int\"}", "{\"name\":\"b\",\"type\":\"int\",\"default\":0}");
    String withoutB = thing("{\"name\":\"a\",\"type\":\"int\"}");
    String withStringB =
        thing(
            "{\"name\":\"a\",\"type\":\"int\"}",
            "{\"name\":\"b\",\"type\":\"string\",\"default\":\"\"}");
    // withStringB reads withoutB data (default for b) but not withIntB data (int is not a string).
    registry.register("backward-value", withIntB);
    registry.register("backward-value", withoutB);
    registry.setCompatibility("transitive-value", CompatibilityLevel.BACKWARD_TRANSITIVE);
    registry.register("transitive-value", withIntB);
    registry.register("transitive-value", withoutB);

    assertThat(registry.register("backward-value", withStringB).version()).isEqualTo(3);
    assertThatThrownBy(() -> registry.register("transitive-value", withStringB))
        .isInstanceOf(IncompatibleSchemaException.class)
        .hasMessageContaining("BACKWARD_TRANSITIVE")
        .hasMessageContaining("TYPE_MISMATCH");
  }

  @Test
  void shouldRejectRemovingRequiredFieldUnderForward() {
    registry.setCompatibility("fwd-value", CompatibilityLevel.FORWARD);
    registry.register("fwd-value", V2_REQUIRED_B);

    // Old readers need b and it has no default: data written without b breaks them.
    assertThatThrownBy(() -> registry.register("fwd-value", V1))
        .isInstanceOf(IncompatibleSchemaException.class)
        .hasMessageContaining("FORWARD");
  }

  @Test
  void shouldPreferSubjectLevelOverGlobalLevel() {
    registry.setCompatibility(null, CompatibilityLevel.FULL);
    registry.setCompatibility("things-value", CompatibilityLevel.NONE);

    assertThat(registry.compatibility("things-value")).isEqualTo(CompatibilityLevel.NONE);
    assertThat(registry.compatibility("other-value")).isEqualTo(CompatibilityLevel.FULL);
    assertThat(registry.subjectCompatibility("other-value")).isEmpty();
    registry.register("things-value", V1);
    assertThat(registry.register("things-value", V2_REQUIRED_B).version()).isEqualTo(2);
  }

  @Test
  void shouldAnswerConfluentErrorCodes() {
    registry.register("things-value", V1);

    assertThatThrownBy(() -> registry.version("nope-value", 1))
        .isInstanceOfSatisfying(
            SubjectNotFoundException.class, e -> assertThat(e.errorCode()).isEqualTo(40401));
    assertThatThrownBy(() -> registry.version("things-value", 7))
        .isInstanceOfSatisfying(
            VersionNotFoundException.class, e -> assertThat(e.errorCode()).isEqualTo(40402));
    assertThatThrownBy(() -> registry.schemaById(42))
        .isInstanceOfSatisfying(
            SchemaNotFoundException.class, e -> assertThat(e.errorCode()).isEqualTo(40403));
    assertThatThrownBy(() -> registry.lookup("things-value", V2_OPTIONAL_B))
        .isInstanceOfSatisfying(
            SchemaNotFoundException.class, e -> assertThat(e.errorCode()).isEqualTo(40403));
    assertThatThrownBy(() -> registry.register("things-value", "{\"type\":\"record\"}"))
        .isInstanceOfSatisfying(
            InvalidSchemaException.class, e -> assertThat(e.errorCode()).isEqualTo(42201));
    assertThatThrownBy(() -> registry.register("things-value", "not json"))
        .isInstanceOf(InvalidSchemaException.class);
    assertThatThrownBy(() -> registry.version("things-value", 0))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(42202));
  }

  @Test
  void shouldRebuildStateFromStore() {
    registry.register("things-value", V1);
    registry.register("things-value", V2_OPTIONAL_B);
    registry.register("other-value", V1);
    registry.setCompatibility("other-value", CompatibilityLevel.NONE);
    registry.setCompatibility(null, CompatibilityLevel.FULL_TRANSITIVE);

    SchemaRegistry restarted = new SchemaRegistry(store);

    assertThat(restarted.version("things-value", 2)).isEqualTo(registry.version("things-value", 2));
    assertThat(restarted.version("other-value", 1).id()).isEqualTo(1);
    assertThat(restarted.compatibility("other-value")).isEqualTo(CompatibilityLevel.NONE);
    assertThat(restarted.globalCompatibility()).isEqualTo(CompatibilityLevel.FULL_TRANSITIVE);
    String v3 =
        thing(
            "{\"name\":\"a\",\"type\":\"int\"}",
            "{\"name\":\"b\",\"type\":[\"null\",\"string\"],\"default\":null}",
            "{\"name\":\"c\",\"type\":\"int\",\"default\":3}");
    assertThat(restarted.register("things-value", v3).id()).as("ids continue").isEqualTo(3);
  }

  @Test
  void shouldLeaveStateUnchangedWhenStoreFails() {
    RegistryStore failing =
        new RegistryStore() {
          @Override
          public List<RegistryRecord> load() {
            return List.of();
          }

          @Override
          public void append(RegistryRecord record) {
            throw new IllegalStateException("store down");
          }
        };
    SchemaRegistry broken = new SchemaRegistry(failing);

    assertThatThrownBy(() -> broken.register("things-value", V1)).hasMessage("store down");
    assertThat(broken.subjects()).isEmpty();
  }

  @Test
  void shouldGiveUniqueIdsAndGaplessVersionsUnderConcurrentRegistration() throws Exception {
    registry.setCompatibility(null, CompatibilityLevel.NONE);
    int threads = 4;
    int perThread = 24;
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(threads);
    List<java.util.concurrent.Future<SchemaMetadata>> results = new java.util.ArrayList<>();
    for (int t = 0; t < threads; t++) {
      for (int i = 0; i < perThread; i++) {
        String subject = "s" + (i % 2) + "-value";
        String schema = thing("{\"name\":\"f" + t + "_" + i + "\",\"type\":\"int\"}");
        results.add(pool.submit(() -> registry.register(subject, schema)));
      }
    }
    List<SchemaMetadata> registered = new java.util.ArrayList<>();
    for (var result : results) {
      registered.add(result.get());
    }
    pool.shutdown();

    assertThat(registered.stream().map(SchemaMetadata::id).distinct())
        .hasSize(threads * perThread)
        .allMatch(id -> id >= 1 && id <= threads * perThread);
    assertThat(registry.versions("s0-value"))
        .containsExactlyElementsOf(
            java.util.stream.IntStream.rangeClosed(1, threads * perThread / 2).boxed().toList());
    assertThat(new SchemaRegistry(store).version("s1-value", -1).version())
        .isEqualTo(threads * perThread / 2);
  }

  private static String thing(String... fields) {
    return "{\"type\":\"record\",\"name\":\"Thing\",\"namespace\":\"test\",\"fields\":["
        + String.join(",", fields)
        + "]}";
  }
}
