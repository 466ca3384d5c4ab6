package dev.tapwire.serde;

/**
 * Registry error {@value SchemaRegistryException#SCHEMA_NOT_FOUND} (HTTP 404): no schema has the
 * id, or the subject does not have the schema.
 */
public class SchemaNotFoundException extends SchemaRegistryException {
  /** Creates the exception with the registry's message. */
  public SchemaNotFoundException(String message) {
    super(message, SCHEMA_NOT_FOUND, 404);
  }
}
