package dev.tapwire.processor.decode;

/**
 * The outcome of content decoding: either the decoded bytes or, when a coding is unknown or the
 * data is corrupt, an error text (the bytes are then {@code null}).
 *
 * @param bytes the decoded body, or null on error
 * @param error why decoding failed, or null on success
 */
public record DecodeResult(byte[] bytes, String error) {

  static DecodeResult ok(byte[] bytes) {
    return new DecodeResult(bytes, null);
  }

  static DecodeResult failed(String error) {
    return new DecodeResult(null, error);
  }

  /** True when {@link #bytes()} holds the decoded body. */
  public boolean isOk() {
    return error == null;
  }
}
