package dev.tapwire.testkit;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Remembers every environment that test classes in this JVM were given, so the second class to run
 * can check it got the same broker as the first.
 */
final class SharedEnvironmentWitness {

  private static final List<KafkaEnvironment> SEEN = new CopyOnWriteArrayList<>();

  private SharedEnvironmentWitness() {}

  static void record(KafkaEnvironment env) {
    SEEN.add(env);
  }

  static List<KafkaEnvironment> seen() {
    return List.copyOf(SEEN);
  }
}
