package dev.tapwire.registry;

import dev.tapwire.registry.RegistryRecord.Config;
import dev.tapwire.registry.RegistryRecord.SchemaVersion;
import dev.tapwire.serde.CompatibilityLevel;
import dev.tapwire.serde.IncompatibleSchemaException;
import dev.tapwire.serde.InvalidSchemaException;
import dev.tapwire.serde.SchemaMetadata;
import dev.tapwire.serde.SchemaNotFoundException;
import dev.tapwire.serde.SchemaRegistryException;
import dev.tapwire.serde.SubjectNotFoundException;
import dev.tapwire.serde.VersionNotFoundException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * The logic of a Confluent-compatible schema registry for Avro: subjects with versions from 1,
 * global ids from 1, compatibility levels (global, default BACKWARD, and per subject) checked with
 * Avro's {@code SchemaCompatibility}, state in a {@link RegistryStore}.
 *
 * <p>Schemas are canonicalised (parsed and printed in Avro's normal JSON form), so registering the
 * same schema again, with different whitespace or attribute order, returns the same id and version;
 * the same schema under another subject gets the same id and a version of its own.
 *
 * <p>Every change is appended to the store before it becomes visible. Errors are the {@link
 * SchemaRegistryException} subclasses with Confluent's error codes. Thread-safe (one lock).
 */
public final class SchemaRegistry {
  private final RegistryStore store;
  private final CompatibilityLevel defaultLevel;

  private final Map<String, TreeMap<Integer, SchemaMetadata>> subjects = new HashMap<>();
  private final Map<Integer, Schema> schemasById = new HashMap<>();
  private final Map<String, Integer> idsByCanonical = new HashMap<>();
  private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
  private CompatibilityLevel globalLevel;
  private int maxId;

  /** Creates a registry over {@code store}, default level BACKWARD, replaying its records. */
  public SchemaRegistry(RegistryStore store) {
    this(store, CompatibilityLevel.BACKWARD);
  }

  /**
   * Creates a registry over {@code store}, replaying its records.
   *
   * @param defaultLevel global level until one is set
   */
  public SchemaRegistry(RegistryStore store, CompatibilityLevel defaultLevel) {
    this.store = Objects.requireNonNull(store, "store");
    this.defaultLevel = Objects.requireNonNull(defaultLevel, "defaultLevel");
    this.globalLevel = defaultLevel;
    for (RegistryRecord record : store.load()) {
      apply(record);
    }
  }

  /**
   * Parses a schema text as Avro.
   *
   * @throws InvalidSchemaException (42201) if it is not a valid Avro schema
   */
  public static Schema parse(String schemaText) {
    if (schemaText == null || schemaText.isBlank()) {
      throw new InvalidSchemaException("Invalid schema: empty");
    }
    try {
      return new Schema.Parser().parse(schemaText);
    } catch (SchemaParseException | NullPointerException | IllegalArgumentException e) {
      throw new InvalidSchemaException("Invalid schema " + schemaText + ": " + e.getMessage());
    }
  }

  /**
   * Registers a schema under a subject (see the class comment for identical schemas).
   *
   * @return the registered (or already present) version with its id
   * @throws InvalidSchemaException (42201) if the text is not a valid Avro schema
   * @throws IncompatibleSchemaException (409) if the subject's level rejects it
   * @throws RuntimeException from the store; nothing is registered then
   */
  public synchronized SchemaMetadata register(String subject, String schemaText) {
    checkSubject(subject);
    Schema schema = parse(schemaText);
    String canonical = schema.toString();
    TreeMap<Integer, SchemaMetadata> versions = subjects.get(subject);
    if (versions != null) {
      for (SchemaMetadata existing : versions.values()) {
        if (existing.schema().toString().equals(canonical)) {
          return existing;
        }
      }
      CompatibilityLevel level = compatibility(subject);
      List<Schema> previous = new ArrayList<>();
      versions.values().forEach(v -> previous.add(v.schema()));
      List<String> violations = level.violations(schema, previous);
      if (!violations.isEmpty()) {
        throw new IncompatibleSchemaException(
            "Schema being registered is incompatible with an earlier schema for subject \""
                + subject
                + "\" ("
                + level
                + "), details: "
                + violations);
      }
    }
    Integer knownId = idsByCanonical.get(canonical);
    int id = knownId != null ? knownId : maxId + 1;
    int version = versions == null ? 1 : versions.lastKey() + 1;
    SchemaVersion record = new SchemaVersion(subject, version, id, canonical);
    store.append(record);
    apply(record);
    return subjects.get(subject).get(version);
  }

  /**
   * Tests a schema against a subject under the subject's level without registering it: against
   * version {@code version} ({@code -1} = latest), and for transitive levels against every version
   * up to it.
   *
   * @return the reasons it is incompatible; empty when compatible
   * @throws SubjectNotFoundException (40401) if the subject does not exist
   * @throws VersionNotFoundException (40402) if the subject has no such version
   * @throws InvalidSchemaException (42201) if the text is not a valid Avro schema
   */
  public synchronized List<String> compatibilityViolations(
      String subject, String schemaText, int version) {
    Schema schema = parse(schemaText);
    int upTo = version(subject, version).version();
    List<Schema> previous = new ArrayList<>();
    versionsOf(subject).headMap(upTo, true).values().forEach(v -> previous.add(v.schema()));
    return compatibility(subject).violations(schema, previous);
  }

  /**
   * Finds a schema among a subject's versions.
   *
   * @throws SubjectNotFoundException (40401) if the subject does not exist
   * @throws SchemaNotFoundException (40403) if the subject does not have the schema
   * @throws InvalidSchemaException (42201) if the text is not a valid Avro schema
   */
  public synchronized SchemaMetadata lookup(String subject, String schemaText) {
    String canonical = parse(schemaText).toString();
    for (SchemaMetadata existing : versionsOf(subject).values()) {
      if (existing.schema().toString().equals(canonical)) {
        return existing;
      }
    }
    throw new SchemaNotFoundException("Schema not found under subject '" + subject + "'");
  }

  /**
   * Returns the schema with a global id.
   *
   * @throws SchemaNotFoundException (40403) if no schema has the id
   */
  public synchronized Schema schemaById(int id) {
    Schema schema = schemasById.get(id);
    if (schema == null) {
      throw new SchemaNotFoundException("Schema " + id + " not found");
    }
    return schema;
  }

  /**
   * Returns a version of a subject; {@code -1} means the latest.
   *
   * @throws SubjectNotFoundException (40401) if the subject does not exist
   * @throws VersionNotFoundException (40402) if the subject has no such version
   * @throws SchemaRegistryException (42202) if the version is 0 or below -1
   */
  public synchronized SchemaMetadata version(String subject, int version) {
    if (version == 0 || version < -1) {
      throw new SchemaRegistryException(
          "The specified version '"
              + version
              + "' is not a valid version id. Allowed values are between [1, 2^31-1] and the"
              + " string \"latest\"",
          SchemaRegistryException.INVALID_VERSION,
          422);
    }
    TreeMap<Integer, SchemaMetadata> versions = versionsOf(subject);
    SchemaMetadata found = version == -1 ? versions.lastEntry().getValue() : versions.get(version);
    if (found == null) {
      throw new VersionNotFoundException("Version " + version + " not found.");
    }
    return found;
  }

  /**
   * Returns the version numbers of a subject, ascending.
   *
   * @throws SubjectNotFoundException (40401) if the subject does not exist
   */
  public synchronized List<Integer> versions(String subject) {
    return List.copyOf(versionsOf(subject).keySet());
  }

  /** Returns all subjects, sorted. */
  public synchronized List<String> subjects() {
    return subjects.keySet().stream().sorted().toList();
  }

  /** Returns the global compatibility level. */
  public synchronized CompatibilityLevel globalCompatibility() {
    return globalLevel;
  }

  /** Returns the level set for a subject itself, if any. */
  public synchronized Optional<CompatibilityLevel> subjectCompatibility(String subject) {
    return Optional.ofNullable(subjectLevels.get(subject));
  }

  /** Returns the level that applies to a subject: its own, or else the global one. */
  public synchronized CompatibilityLevel compatibility(String subject) {
    return subjectLevels.getOrDefault(subject, globalLevel);
  }

  /**
   * Sets the global level ({@code subject == null}) or a subject's level.
   *
   * @throws RuntimeException from the store; nothing changes then
   */
  public synchronized void setCompatibility(String subject, CompatibilityLevel level) {
    if (subject != null) {
      checkSubject(subject);
    }
    Config record = new Config(subject, Objects.requireNonNull(level, "level"));
    store.append(record);
    apply(record);
  }

  /** The level used until a global level is set. */
  public CompatibilityLevel defaultCompatibility() {
    return defaultLevel;
  }

  private TreeMap<Integer, SchemaMetadata> versionsOf(String subject) {
    TreeMap<Integer, SchemaMetadata> versions = subjects.get(subject);
    if (versions == null || versions.isEmpty()) {
      throw new SubjectNotFoundException("Subject '" + subject + "' not found.");
    }
    return versions;
  }

  private static void checkSubject(String subject) {
    if (subject == null || subject.isBlank() || subject.chars().anyMatch(Character::isISOControl)) {
      throw new SchemaRegistryException(
          "Invalid subject '" + subject + "'", SchemaRegistryException.INVALID_SCHEMA, 422);
    }
  }

  private void apply(RegistryRecord record) {
    if (record instanceof SchemaVersion v) {
      Schema schema = schemasById.computeIfAbsent(v.id(), id -> parse(v.schema()));
      idsByCanonical.putIfAbsent(schema.toString(), v.id());
      maxId = Math.max(maxId, v.id());
      subjects
          .computeIfAbsent(v.subject(), s -> new TreeMap<>())
          .put(v.version(), new SchemaMetadata(v.subject(), v.version(), v.id(), schema));
    } else if (record instanceof Config c) {
      if (c.subject() == null) {
        globalLevel = c.level();
      } else {
        subjectLevels.put(c.subject(), c.level());
      }
    }
  }
}
