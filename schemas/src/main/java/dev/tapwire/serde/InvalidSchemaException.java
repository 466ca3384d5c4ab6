package dev.tapwire.serde;

/**
 * Registry error {@value SchemaRegistryException#INVALID_SCHEMA} (HTTP 422): the schema text is not
 * a valid Avro schema.
 */
public class InvalidSchemaException extends SchemaRegistryException {
  /** Creates the exception with the registry's message. */
  public InvalidSchemaException(String message) {
    super(message, INVALID_SCHEMA, 422);
  }
}
