package dev.tapwire.replay.kafka;

import dev.tapwire.serde.SchemaNotFoundException;
import dev.tapwire.serde.SchemaRegistryException;

/**
 * Tells a record that cannot be decoded because of the schema registry (unreachable, 5xx, other
 * registry errors) from a record that is bad in itself (wrong magic byte, unknown schema id,
 * corrupt Avro). Bad records are skipped and counted; a registry failure stops the run instead,
 * because skipping would silently drop good records (a rerun is safe: replays are idempotent).
 */
public final class RegistryOutage {
  private RegistryOutage() {}

  /** True when {@code failure} was caused by the registry rather than by the record. */
  public static boolean causedBy(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SchemaNotFoundException) {
        return false;
      }
      if (t instanceof SchemaRegistryException) {
        return true;
      }
    }
    return false;
  }
}
