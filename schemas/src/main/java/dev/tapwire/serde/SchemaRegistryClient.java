package dev.tapwire.serde;

import java.util.List;
import org.apache.avro.Schema;

/**
 * A client of a Confluent-compatible schema registry (Avro schemas only).
 *
 * <p>Subjects are named by topic ({@code <topic>-key}, {@code <topic>-value}); ids are global
 * across subjects; versions count from 1 per subject. The REST protocol is Confluent's
 * (docs.confluent.io/platform/current/schema-registry/develop/api.html).
 *
 * <p>Every method may throw a {@link SchemaRegistryException} subclass: {@link
 * SubjectNotFoundException} (error code 40401), {@link VersionNotFoundException} (40402), {@link
 * SchemaNotFoundException} (40403), {@link IncompatibleSchemaException} (409), {@link
 * InvalidSchemaException} (42201) or {@link SchemaRegistryUnavailableException} (registry not
 * reachable or failing). Implementations are thread-safe.
 */
public interface SchemaRegistryClient {

  /**
   * Registers {@code schema} under {@code subject}, or finds it if the subject already has it.
   *
   * @return the schema's global id
   * @throws IncompatibleSchemaException if the subject's compatibility level rejects the schema
   */
  int register(String subject, Schema schema);

  /**
   * Returns the schema with the global id {@code id}.
   *
   * @throws SchemaNotFoundException if no schema has that id
   */
  Schema getById(int id);

  /**
   * Finds {@code schema} among the versions of {@code subject} without registering it.
   *
   * @return id, version and schema as registered
   * @throws SubjectNotFoundException if the subject does not exist
   * @throws SchemaNotFoundException if the subject does not have this schema
   */
  SchemaMetadata lookup(String subject, Schema schema);

  /**
   * Returns the latest version of {@code subject}.
   *
   * @throws SubjectNotFoundException if the subject does not exist
   */
  SchemaMetadata getLatest(String subject);

  /**
   * Returns version {@code version} (1-based) of {@code subject}.
   *
   * @throws SubjectNotFoundException if the subject does not exist
   * @throws VersionNotFoundException if the subject has no such version
   */
  SchemaMetadata getVersion(String subject, int version);

  /** Returns all subjects, sorted. */
  List<String> subjects();

  /** Returns the global compatibility level (Confluent's default is BACKWARD). */
  CompatibilityLevel getCompatibility();

  /** Sets the global compatibility level. */
  void setCompatibility(CompatibilityLevel level);

  /**
   * Returns the compatibility level that applies to {@code subject}: its own level if one is set,
   * otherwise the global level.
   */
  CompatibilityLevel getCompatibility(String subject);

  /** Sets the compatibility level of {@code subject} only. */
  void setCompatibility(String subject, CompatibilityLevel level);
}
