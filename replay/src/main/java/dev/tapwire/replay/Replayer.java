package dev.tapwire.replay;

import dev.tapwire.replay.kafka.KafkaReplayTarget;
import dev.tapwire.replay.range.FlowSelector;

/**
 * Copies the selected flows from a {@link FlowSource} into a {@link KafkaReplayTarget}, skipping
 * flows already there, and reports the totals. The target must be {@linkplain
 * KafkaReplayTarget#open opened}; it is committed at the end but not closed.
 */
public final class Replayer {
  private Replayer() {}

  /**
   * Runs one replay.
   *
   * @throws ReplayException if the source cannot be read or the target written; flows committed
   *     before the failure stay in the target and a rerun skips them
   */
  public static ReplaySummary replay(
      FlowSource source, KafkaReplayTarget target, FlowSelector selector, ReplayProgress progress) {
    source.forEachFlow(
        selector,
        flowId -> {
          if (target.contains(flowId)) {
            progress.skipped();
            return false;
          }
          return true;
        },
        flow -> {
          target.write(flow);
          progress.copied(flow);
        },
        progress);
    target.commit();
    return progress.finish();
  }
}
