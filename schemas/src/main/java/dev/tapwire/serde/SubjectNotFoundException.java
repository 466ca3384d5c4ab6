package dev.tapwire.serde;

/**
 * Registry error {@value SchemaRegistryException#SUBJECT_NOT_FOUND} (HTTP 404): the subject does
 * not exist.
 */
public class SubjectNotFoundException extends SchemaRegistryException {
  /** Creates the exception with the registry's message. */
  public SubjectNotFoundException(String message) {
    super(message, SUBJECT_NOT_FOUND, 404);
  }
}
