package dev.tapwire.sink.parquet;

/**
 * A row that converted but could not be written to Parquet (for example a value the Parquet schema
 * cannot hold). The open file of its topic partition has been deleted; the records from {@link
 * #fileStartOffset()} on must be consumed again, and the record at {@link #offset()} dead-lettered.
 */
public final class RowWriteException extends RuntimeException {

  private final long offset;
  private final long fileStartOffset;

  RowWriteException(long offset, long fileStartOffset, RuntimeException cause) {
    super("row of offset " + offset + " cannot be written: " + cause.getMessage(), cause);
    this.offset = offset;
    this.fileStartOffset = fileStartOffset;
  }

  /** Offset of the record whose row failed. */
  public long offset() {
    return offset;
  }

  /** Start offset of the deleted file: where consumption must resume. */
  public long fileStartOffset() {
    return fileStartOffset;
  }
}
