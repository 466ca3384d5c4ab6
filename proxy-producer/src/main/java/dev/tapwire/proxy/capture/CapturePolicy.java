package dev.tapwire.proxy.capture;

/** What the proxy does with new requests when capture cannot be guaranteed. */
public enum CapturePolicy {
  /** Traffic continues uncaptured (DESIGN.md invariant 3, default). */
  FORWARD,
  /** New requests are refused with 503 while the sink is unhealthy (strict mode). */
  BLOCK
}
