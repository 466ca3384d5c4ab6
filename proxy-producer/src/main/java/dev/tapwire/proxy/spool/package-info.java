/**
 * The durable on-disk spool: an append-only FIFO of CRC32C-checked records in segment files, with a
 * persisted drain cursor, where captured flow events wait while Kafka is unavailable. See {@link
 * dev.tapwire.proxy.spool.Spool}.
 */
package dev.tapwire.proxy.spool;
