package dev.tapwire.registry;

import java.util.ArrayList;
import java.util.List;

/** A {@link RegistryStore} in a list; its content lives as long as the object. Thread-safe. */
public final class InMemoryRegistryStore implements RegistryStore {
  private final List<RegistryRecord> records = new ArrayList<>();

  @Override
  public synchronized List<RegistryRecord> load() {
    return List.copyOf(records);
  }

  @Override
  public synchronized void append(RegistryRecord record) {
    records.add(record);
  }
}
