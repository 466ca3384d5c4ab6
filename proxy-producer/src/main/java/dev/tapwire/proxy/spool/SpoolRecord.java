package dev.tapwire.proxy.spool;

/**
 * One record read from a {@link Spool}.
 *
 * @param index the record's position in the spool's global, monotonically increasing numbering
 * @param appendTimeMillis when the record was appended, milliseconds since the epoch (spool clock)
 * @param payload the bytes as appended
 */
public record SpoolRecord(long index, long appendTimeMillis, byte[] payload) {}
