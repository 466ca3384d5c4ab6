package dev.tapwire.embedded.kafka;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.coordinator.group.GroupCoordinatorConfig;
import org.apache.kafka.coordinator.transaction.TransactionLogConfig;
import org.apache.kafka.network.SocketServerConfigs;
import org.apache.kafka.raft.KRaftConfigs;
import org.apache.kafka.raft.QuorumConfig;
import org.apache.kafka.server.config.ReplicationConfigs;
import org.apache.kafka.server.config.ServerConfigs;
import org.apache.kafka.server.config.ServerLogConfigs;
import org.apache.kafka.storage.internals.log.CleanerConfig;

/**
 * The server properties of Tapwire's single-node KRaft broker: one process with the combined {@code
 * broker,controller} roles, both listeners bound to {@code 127.0.0.1}, a static one-voter quorum
 * ({@code controller.quorum.voters}), and internal topics sized for one broker so that transactions
 * and {@code exactly_once_v2} work (replication factor 1, min ISR 1).
 *
 * <p>Choices worth knowing:
 *
 * <ul>
 *   <li>{@code auto.create.topics.enable=false}: every topic is created explicitly (admin client,
 *       Kafka Streams for its internal topics), so a misspelt topic name fails loudly instead of
 *       silently creating a one-partition topic. Override with {@code
 *       properties(Map.of("auto.create.topics.enable", "true"))} if needed.
 *   <li>Four partitions each for {@code __consumer_offsets} and {@code __transaction_state}
 *       (Kafka's defaults are 50): creating them is part of the first group join / first
 *       transaction, and fewer partitions keep that cheap on two cores.
 *   <li>Small thread pools and a 4 MiB log-cleaner dedupe buffer (default 128 MiB) keep resident
 *       memory low; the cleaner still compacts topics such as {@code _schemas}.
 *   <li>The static voter set means the controller port may change between restarts on the same data
 *       directory (the voter's address comes from the configuration, not from the log).
 * </ul>
 *
 * <p>Property names are Kafka's own constants; see the Kafka broker configuration reference.
 */
final class BrokerSettings {

  /** The broker's node id; also the only controller voter. */
  static final int NODE_ID = 1;

  static final String BROKER_LISTENER = "PLAINTEXT";
  static final String CONTROLLER_LISTENER = "CONTROLLER";
  static final String HOST = "127.0.0.1";

  private static final int INTERNAL_TOPIC_PARTITIONS = 4;
  private static final long CLEANER_DEDUPE_BUFFER_BYTES = 4L * 1024 * 1024;

  private BrokerSettings() {}

  /**
   * Builds the complete property map.
   *
   * @param dataDir the directory holding {@code meta.properties}, the metadata log and all topic
   *     logs
   * @param brokerPort client listener port (clients connect here)
   * @param controllerPort KRaft controller listener port
   * @param overrides properties that replace the defaults, applied last
   */
  static Map<String, Object> build(
      Path dataDir, int brokerPort, int controllerPort, Map<String, ?> overrides) {
    Map<String, Object> p = new HashMap<>();
    p.put(KRaftConfigs.PROCESS_ROLES_CONFIG, "broker,controller");
    p.put(KRaftConfigs.NODE_ID_CONFIG, Integer.toString(NODE_ID));
    p.put(KRaftConfigs.CONTROLLER_LISTENER_NAMES_CONFIG, CONTROLLER_LISTENER);
    p.put(QuorumConfig.QUORUM_VOTERS_CONFIG, NODE_ID + "@" + HOST + ":" + controllerPort);
    p.put(
        SocketServerConfigs.LISTENERS_CONFIG,
        BROKER_LISTENER
            + "://"
            + HOST
            + ":"
            + brokerPort
            + ","
            + CONTROLLER_LISTENER
            + "://"
            + HOST
            + ":"
            + controllerPort);
    p.put(
        SocketServerConfigs.ADVERTISED_LISTENERS_CONFIG,
        BROKER_LISTENER + "://" + HOST + ":" + brokerPort);
    p.put(
        SocketServerConfigs.LISTENER_SECURITY_PROTOCOL_MAP_CONFIG,
        BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
    p.put(ReplicationConfigs.INTER_BROKER_LISTENER_NAME_CONFIG, BROKER_LISTENER);
    p.put(ServerLogConfigs.LOG_DIRS_CONFIG, dataDir.toAbsolutePath().toString());

    p.put(ServerLogConfigs.AUTO_CREATE_TOPICS_ENABLE_CONFIG, "false");
    p.put(ServerLogConfigs.NUM_PARTITIONS_CONFIG, "1");
    p.put(ReplicationConfigs.DEFAULT_REPLICATION_FACTOR_CONFIG, "1");
    p.put(ServerLogConfigs.MIN_IN_SYNC_REPLICAS_CONFIG, "1");

    p.put(GroupCoordinatorConfig.OFFSETS_TOPIC_REPLICATION_FACTOR_CONFIG, "1");
    p.put(
        GroupCoordinatorConfig.OFFSETS_TOPIC_PARTITIONS_CONFIG,
        Integer.toString(INTERNAL_TOPIC_PARTITIONS));
    p.put(GroupCoordinatorConfig.GROUP_INITIAL_REBALANCE_DELAY_MS_CONFIG, "0");
    p.put(TransactionLogConfig.TRANSACTIONS_TOPIC_REPLICATION_FACTOR_CONFIG, "1");
    p.put(TransactionLogConfig.TRANSACTIONS_TOPIC_MIN_ISR_CONFIG, "1");
    p.put(
        TransactionLogConfig.TRANSACTIONS_TOPIC_PARTITIONS_CONFIG,
        Integer.toString(INTERNAL_TOPIC_PARTITIONS));

    p.put(SocketServerConfigs.NUM_NETWORK_THREADS_CONFIG, "2");
    p.put(ServerConfigs.NUM_IO_THREADS_CONFIG, "2");
    p.put(ServerConfigs.BACKGROUND_THREADS_CONFIG, "2");
    p.put(ServerLogConfigs.NUM_RECOVERY_THREADS_PER_DATA_DIR_CONFIG, "1");
    p.put(
        CleanerConfig.LOG_CLEANER_DEDUPE_BUFFER_SIZE_PROP,
        Long.toString(CLEANER_DEDUPE_BUFFER_BYTES));

    p.putAll(overrides);
    return p;
  }
}
