package dev.tapwire.replay;

/** A replay or observation could not read its source or write its target; the message says why. */
public class ReplayException extends RuntimeException {
  public ReplayException(String message) {
    super(message);
  }

  public ReplayException(String message, Throwable cause) {
    super(message, cause);
  }
}
