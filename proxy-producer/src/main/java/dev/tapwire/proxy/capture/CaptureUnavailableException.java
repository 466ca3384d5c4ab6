package dev.tapwire.proxy.capture;

/** Thrown by a {@link FlowEventSink} that can neither publish nor spool an event. */
public class CaptureUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message why capture is unavailable, in words a user can act on
   * @param cause the underlying failure, or null
   */
  public CaptureUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
