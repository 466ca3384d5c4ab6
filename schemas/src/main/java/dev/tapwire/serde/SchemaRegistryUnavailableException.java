package dev.tapwire.serde;

/**
 * The registry could not be reached, or kept answering with a server error (5xx), after all
 * retries.
 */
public class SchemaRegistryUnavailableException extends SchemaRegistryException {
  /** Creates the exception for a failure without a registry answer. */
  public SchemaRegistryUnavailableException(String message, Throwable cause) {
    super(message, -1, -1, cause);
  }

  /** Creates the exception for a last answer that was a server error. */
  public SchemaRegistryUnavailableException(String message, int errorCode, int httpStatus) {
    super(message, errorCode, httpStatus);
  }
}
