package dev.tapwire.registry;

import java.util.List;

/**
 * Where a {@link SchemaRegistry} keeps its state: an append-only log of {@link RegistryRecord}s.
 *
 * <p>Implementations: {@link InMemoryRegistryStore} (tests) and the Kafka-topic store of the
 * embedded registry.
 */
public interface RegistryStore {

  /**
   * Reads every record appended so far, oldest first. Called once when the registry starts.
   *
   * @throws RuntimeException if the store cannot be read
   */
  List<RegistryRecord> load();

  /**
   * Appends a record durably: when this returns, a later {@link #load()} (also after a restart)
   * sees it.
   *
   * @throws RuntimeException if the record could not be stored; the registry state is then left
   *     unchanged
   */
  void append(RegistryRecord record);
}
