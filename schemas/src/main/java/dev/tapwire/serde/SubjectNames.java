package dev.tapwire.serde;

/** Confluent's TopicNameStrategy: the subject of a topic's keys or values. */
public final class SubjectNames {
  private SubjectNames() {}

  /** Returns {@code <topic>-key} or {@code <topic>-value}. */
  public static String forTopic(String topic, boolean isKey) {
    return topic + (isKey ? "-key" : "-value");
  }
}
