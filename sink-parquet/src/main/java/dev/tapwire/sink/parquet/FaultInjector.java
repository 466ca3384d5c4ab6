package dev.tapwire.sink.parquet;

/**
 * A test hook that lets a test simulate a crash at a {@link CommitStage} by throwing. Production
 * code uses {@link #NONE}.
 */
@FunctionalInterface
public interface FaultInjector {

  /** Does nothing. */
  FaultInjector NONE = stage -> {};

  /** Called when the commit reaches {@code stage}; may throw to simulate a crash there. */
  void reached(CommitStage stage);
}
