package dev.tapwire.registry;

import dev.tapwire.serde.CompatibilityLevel;
import java.util.Objects;

/**
 * One durable change of registry state, as kept in a {@link RegistryStore} (for the embedded
 * registry: one record of the compacted {@code _schemas} topic). Replaying all records in order
 * rebuilds the registry.
 */
public sealed interface RegistryRecord {

  /**
   * A schema registered as {@code version} of {@code subject} with global id {@code id}.
   *
   * @param subject the subject
   * @param version version within the subject, from 1
   * @param id global schema id, from 1
   * @param schema the schema in Avro's canonical JSON form ({@code Schema.toString()})
   */
  record SchemaVersion(String subject, int version, int id, String schema)
      implements RegistryRecord {
    /** Checks the components. */
    public SchemaVersion {
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(schema, "schema");
      if (version < 1 || id < 1) {
        throw new IllegalArgumentException("version and id start at 1: " + version + ", " + id);
      }
    }
  }

  /**
   * A compatibility level set globally ({@code subject == null}) or for one subject.
   *
   * @param subject the subject, or null for the global level
   * @param level the level
   */
  record Config(String subject, CompatibilityLevel level) implements RegistryRecord {
    /** Checks the components. */
    public Config {
      Objects.requireNonNull(level, "level");
    }
  }
}
