package dev.tapwire.serde;

/**
 * Registry error 409 (Confluent also uses 40901; HTTP 409): the schema breaks the subject's
 * compatibility level.
 */
public class IncompatibleSchemaException extends SchemaRegistryException {
  /** Creates the exception with the registry's message and error code (409 or 40901). */
  public IncompatibleSchemaException(String message, int errorCode) {
    super(message, errorCode, 409);
  }

  /** Creates the exception with error code 409. */
  public IncompatibleSchemaException(String message) {
    this(message, INCOMPATIBLE_SCHEMA);
  }
}
