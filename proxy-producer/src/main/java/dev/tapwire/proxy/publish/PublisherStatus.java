package dev.tapwire.proxy.publish;

/**
 * A snapshot of {@link KafkaFlowPublisher}'s state, for health checks and logs.
 *
 * @param healthy whether capture can be guaranteed right now (see {@link
 *     KafkaFlowPublisher#isHealthy()})
 * @param reason why capture cannot be guaranteed, or null when healthy
 * @param mode how new events are routed
 * @param queuedEvents events accepted but not yet handed to Kafka or the spool
 * @param spoolRecords records in the spool not yet acknowledged by Kafka
 * @param spoolBytes bytes of those records
 * @param captureLagMillis age of the oldest event not yet acknowledged by Kafka, milliseconds (0
 *     when none)
 */
public record PublisherStatus(
    boolean healthy,
    String reason,
    PublisherMode mode,
    int queuedEvents,
    long spoolRecords,
    long spoolBytes,
    long captureLagMillis) {}
