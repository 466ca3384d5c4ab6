package dev.tapwire.cli;

/**
 * A failure the user can act on (no data yet, no running pipeline, a file that is missing), printed
 * as its message alone, without a stack trace.
 */
public final class UserError extends RuntimeException {
  private final int exitCode;

  /**
   * @param message what went wrong and what to do about it
   */
  public UserError(String message) {
    this(message, 1);
  }

  /**
   * @param message what went wrong and what to do about it
   * @param exitCode the process exit code
   */
  public UserError(String message, int exitCode) {
    super(message);
    this.exitCode = exitCode;
  }

  /** The process exit code. */
  public int exitCode() {
    return exitCode;
  }
}
