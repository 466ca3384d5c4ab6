package dev.tapwire.serde;

/**
 * An error answered by a schema registry, or the failure to reach one.
 *
 * <p>{@link #errorCode()} is Confluent's {@code error_code} (for example 40401) and {@link
 * #httpStatus()} the HTTP status that goes with it; both are -1 when no registry answered.
 */
public class SchemaRegistryException extends RuntimeException {
  /** Confluent error code: subject not found (HTTP 404). */
  public static final int SUBJECT_NOT_FOUND = 40401;

  /** Confluent error code: version not found (HTTP 404). */
  public static final int VERSION_NOT_FOUND = 40402;

  /** Confluent error code: schema not found (HTTP 404). */
  public static final int SCHEMA_NOT_FOUND = 40403;

  /** Confluent error code: subject has no subject-level compatibility configured (HTTP 404). */
  public static final int SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED = 40408;

  /** Confluent error code: schema incompatible with an earlier version (HTTP 409). */
  public static final int INCOMPATIBLE_SCHEMA = 409;

  /** Confluent error code: invalid schema (HTTP 422). */
  public static final int INVALID_SCHEMA = 42201;

  /** Confluent error code: invalid version (HTTP 422). */
  public static final int INVALID_VERSION = 42202;

  /** Confluent error code: invalid compatibility level (HTTP 422). */
  public static final int INVALID_COMPATIBILITY_LEVEL = 42203;

  /** Confluent error code: internal server error (HTTP 500). */
  public static final int INTERNAL_SERVER_ERROR = 50001;

  /** Confluent error code: error in the backend data store (HTTP 500). */
  public static final int STORE_ERROR = 50002;

  private final int errorCode;
  private final int httpStatus;

  /** Creates an exception for a registry answer. */
  public SchemaRegistryException(String message, int errorCode, int httpStatus) {
    this(message, errorCode, httpStatus, null);
  }

  /** Creates an exception for a registry answer or failure, with its cause. */
  public SchemaRegistryException(String message, int errorCode, int httpStatus, Throwable cause) {
    super(message, cause);
    this.errorCode = errorCode;
    this.httpStatus = httpStatus;
  }

  /** Confluent's {@code error_code}, or -1 when no registry answered. */
  public int errorCode() {
    return errorCode;
  }

  /** The HTTP status of the answer, or -1 when no registry answered. */
  public int httpStatus() {
    return httpStatus;
  }

  /**
   * Maps a registry error answer to the most specific exception.
   *
   * @param errorCode the {@code error_code} of the body (or the HTTP status if the body had none)
   * @param httpStatus the HTTP status
   * @param message the {@code message} of the body
   */
  public static SchemaRegistryException fromErrorCode(
      int errorCode, int httpStatus, String message) {
    return switch (errorCode) {
      case SUBJECT_NOT_FOUND -> new SubjectNotFoundException(message);
      case VERSION_NOT_FOUND -> new VersionNotFoundException(message);
      case SCHEMA_NOT_FOUND -> new SchemaNotFoundException(message);
      case INCOMPATIBLE_SCHEMA, 40901 -> new IncompatibleSchemaException(message, errorCode);
      case INVALID_SCHEMA -> new InvalidSchemaException(message);
      default -> new SchemaRegistryException(message, errorCode, httpStatus);
    };
  }
}
