package dev.tapwire.proxy.spool;

import dev.tapwire.proxy.capture.CaptureUnavailableException;

/** Thrown by {@link Spool#append} when the record would take the spool beyond its size cap. */
public class SpoolFullException extends CaptureUnavailableException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what is full and how big, in words an operator can act on
   */
  public SpoolFullException(String message) {
    super(message, null);
  }
}
