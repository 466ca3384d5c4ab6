package dev.tapwire.serde;

import java.util.Objects;
import org.apache.avro.Schema;

/**
 * One registered version of a subject.
 *
 * @param subject the subject, e.g. {@code tapwire.flows.raw-value}
 * @param version the version within the subject, from 1
 * @param id the schema's global id (the 4 bytes after the magic byte in the wire format)
 * @param schema the schema
 */
public record SchemaMetadata(String subject, int version, int id, Schema schema) {
  /** Checks that no component is missing. */
  public SchemaMetadata {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(schema, "schema");
  }
}
