package dev.tapwire.serde;

/**
 * Registry error {@value SchemaRegistryException#VERSION_NOT_FOUND} (HTTP 404): the subject has no
 * such version.
 */
public class VersionNotFoundException extends SchemaRegistryException {
  /** Creates the exception with the registry's message. */
  public VersionNotFoundException(String message) {
    super(message, VERSION_NOT_FOUND, 404);
  }
}
