package dev.tapwire.processor.topology;

import dev.tapwire.serde.CompatibilityLevel;
import dev.tapwire.serde.SchemaMetadata;
import dev.tapwire.serde.SchemaRegistryClient;
import dev.tapwire.serde.SchemaRegistryUnavailableException;
import java.util.List;
import org.apache.avro.Schema;

/**
 * A registry client whose schema lookups by id fail as "unavailable" while {@link #down} is set.
 */
final class FlakyRegistry implements SchemaRegistryClient {
  private final SchemaRegistryClient delegate;
  volatile boolean down;

  FlakyRegistry(SchemaRegistryClient delegate) {
    this.delegate = delegate;
  }

  @Override
  public int register(String subject, Schema schema) {
    return delegate.register(subject, schema);
  }

  @Override
  public Schema getById(int id) {
    if (down) {
      throw new SchemaRegistryUnavailableException("registry down (test)", null);
    }
    return delegate.getById(id);
  }

  @Override
  public SchemaMetadata lookup(String subject, Schema schema) {
    return delegate.lookup(subject, schema);
  }

  @Override
  public SchemaMetadata getLatest(String subject) {
    return delegate.getLatest(subject);
  }

  @Override
  public SchemaMetadata getVersion(String subject, int version) {
    return delegate.getVersion(subject, version);
  }

  @Override
  public List<String> subjects() {
    return delegate.subjects();
  }

  @Override
  public CompatibilityLevel getCompatibility() {
    return delegate.getCompatibility();
  }

  @Override
  public void setCompatibility(CompatibilityLevel level) {
    delegate.setCompatibility(level);
  }

  @Override
  public CompatibilityLevel getCompatibility(String subject) {
    return delegate.getCompatibility(subject);
  }

  @Override
  public void setCompatibility(String subject, CompatibilityLevel level) {
    delegate.setCompatibility(subject, level);
  }
}
