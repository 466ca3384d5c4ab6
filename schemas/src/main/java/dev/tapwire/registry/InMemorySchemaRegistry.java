package dev.tapwire.registry;

import dev.tapwire.serde.CompatibilityLevel;
import dev.tapwire.serde.SchemaMetadata;
import dev.tapwire.serde.SchemaRegistryClient;
import java.util.List;
import org.apache.avro.Schema;

/**
 * A {@link SchemaRegistryClient} that is the registry itself, in memory: the real {@link
 * SchemaRegistry} logic (versions, ids, compatibility checks, the same exceptions and error codes
 * as over REST) without HTTP or Kafka. Meant for unit tests with {@code TopologyTestDriver}:
 *
 * <pre>{@code
 * SchemaRegistryClient registry = new InMemorySchemaRegistry();
 * Serde<FlowEvent> serde = AvroSerdes.specific(FlowEvent.class, registry, false);
 * }</pre>
 *
 * <p>Thread-safe; state lives as long as the object.
 */
public final class InMemorySchemaRegistry implements SchemaRegistryClient {
  private final SchemaRegistry registry;

  /** An empty registry with the global level BACKWARD. */
  public InMemorySchemaRegistry() {
    this(CompatibilityLevel.BACKWARD);
  }

  /** An empty registry with the given global level. */
  public InMemorySchemaRegistry(CompatibilityLevel globalLevel) {
    this.registry = new SchemaRegistry(new InMemoryRegistryStore(), globalLevel);
  }

  /** The registry logic behind this client (for assertions on versions and configuration). */
  public SchemaRegistry registry() {
    return registry;
  }

  @Override
  public int register(String subject, Schema schema) {
    return registry.register(subject, schema.toString()).id();
  }

  @Override
  public Schema getById(int id) {
    return registry.schemaById(id);
  }

  @Override
  public SchemaMetadata lookup(String subject, Schema schema) {
    return registry.lookup(subject, schema.toString());
  }

  @Override
  public SchemaMetadata getLatest(String subject) {
    return registry.version(subject, -1);
  }

  @Override
  public SchemaMetadata getVersion(String subject, int version) {
    return registry.version(subject, version);
  }

  @Override
  public List<String> subjects() {
    return registry.subjects();
  }

  @Override
  public CompatibilityLevel getCompatibility() {
    return registry.globalCompatibility();
  }

  @Override
  public void setCompatibility(CompatibilityLevel level) {
    registry.setCompatibility(null, level);
  }

  @Override
  public CompatibilityLevel getCompatibility(String subject) {
    return registry.compatibility(subject);
  }

  @Override
  public void setCompatibility(String subject, CompatibilityLevel level) {
    registry.setCompatibility(subject, level);
  }
}
