package dev.tapwire.sink.parquet;

/** Points in a file commit at which a {@link FaultInjector} is consulted. */
public enum CommitStage {
  /** The temporary file is closed and fsynced; it has not been renamed yet. */
  FILE_WRITTEN,
  /** The file has its final name; the Kafka offsets are not committed yet. */
  FILE_RENAMED
}
