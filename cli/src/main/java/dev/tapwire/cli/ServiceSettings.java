package dev.tapwire.cli;

import dev.tapwire.processor.ProcessorConfig;
import dev.tapwire.proxy.ProxyConfig;
import dev.tapwire.proxy.publish.PublisherConfig;
import dev.tapwire.sink.SinkConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The settings handed to the services: defaults derived from the data directory (the CA and the
 * redaction secret under {@code <dir>}, the spool in {@code <dir>/spool}, Kafka Streams state in
 * {@code <dir>/streams}, Parquet in {@code <dir>/parquet}, SQLite audit tables in {@code
 * <dir>/audit.db}), overridden by whatever the user set (flag, environment or config file).
 */
final class ServiceSettings {
  /**
   * How soon {@code tapwire run} publishes an idle Parquet file, milliseconds: a call must be
   * visible in {@code tapwire sql} within 5 s of its response ending.
   */
  static final String RUN_IDLE_CLOSE_MS = "1000";

  /** How often the processor looks for timed-out flows in {@code tapwire run}, milliseconds. */
  static final String RUN_PUNCTUATE_INTERVAL_MS = "1000";

  /**
   * Consumer session timeout in {@code tapwire run}, milliseconds (the broker's minimum). Kafka
   * Streams does not leave its group on close, so after a restart the group waits for the old
   * member's session to expire before processing resumes; 6 s instead of the 45 s default.
   */
  static final String RUN_SESSION_TIMEOUT_MS = "6000";

  /**
   * Static group membership for {@code tapwire run}'s consumers (KIP-345): after a restart the
   * processor and the sinks take their old place in their groups at once instead of waiting for the
   * previous member's session to expire. One process, one member per group, so one id.
   */
  static final String RUN_GROUP_INSTANCE_ID = "tapwire-run";

  /** Consumer heartbeat interval in {@code tapwire run}, milliseconds (a third of the session). */
  static final String RUN_HEARTBEAT_INTERVAL_MS = "2000";

  private ServiceSettings() {}

  /**
   * The defaults for every service given {@code dataDir}, with {@code resolved} (what the user set)
   * on top.
   */
  static Map<String, Object> forDataDir(DataDir dataDir, Map<String, String> resolved) {
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put(ProxyConfig.DATA_DIR, dataDir.root().toString());
    settings.put(PublisherConfig.SPOOL_DIR_CONFIG, dataDir.spool().toString());
    settings.put(ProcessorConfig.STATE_DIR, dataDir.streamsState().toString());
    settings.put(SinkConfig.DATA_DIR_CONFIG, dataDir.root().toString());
    settings.putAll(resolved);
    return settings;
  }

  /**
   * A processor reading another input than {@link dev.tapwire.schemas.Topics#RAW_FLOWS} (a replay)
   * gets its own application id, {@code tapwire-processor.<input topic>}, unless one is set:
   * sharing the main processor's id would put both in one consumer group and one state.
   */
  static void separateReplayApplication(Map<String, Object> settings) {
    Object input = settings.get(ProcessorConfig.INPUT_TOPIC);
    if (input != null
        && !input.toString().equals(dev.tapwire.schemas.Topics.RAW_FLOWS)
        && !settings.containsKey(ProcessorConfig.APPLICATION_ID)) {
      settings.put(ProcessorConfig.APPLICATION_ID, "tapwire-processor." + input);
    }
  }

  /**
   * Like {@link #forDataDir} with the single-process mode's latency defaults: idle Parquet files
   * published after {@value #RUN_IDLE_CLOSE_MS} ms.
   */
  static Map<String, Object> forRun(DataDir dataDir, Map<String, String> resolved) {
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put(SinkConfig.IDLE_CLOSE_MS_CONFIG, RUN_IDLE_CLOSE_MS);
    settings.put(ProcessorConfig.PUNCTUATE_INTERVAL_MS, RUN_PUNCTUATE_INTERVAL_MS);
    settings.put("kafka.session.timeout.ms", RUN_SESSION_TIMEOUT_MS);
    settings.put("kafka.heartbeat.interval.ms", RUN_HEARTBEAT_INTERVAL_MS);
    settings.put("kafka.group.instance.id", RUN_GROUP_INSTANCE_ID);
    settings.putAll(forDataDir(dataDir, resolved));
    return settings;
  }
}
