package dev.tapwire.proxy.publish;

/**
 * A flow event whose serialized record exceeds {@link PublisherConfig#MAX_RECORD_BYTES}: it can
 * never be published, so it is logged and dropped rather than retried (it would block the spool).
 */
final class OversizedEventException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  OversizedEventException(String message) {
    super(message);
  }
}
