package dev.tapwire.sink.parquet;

import java.io.IOException;

/**
 * Writes the rows of one data file (after Confluent's storage-common {@code RecordWriter}). The
 * writer works on a temporary file; the caller publishes it under its final name after {@link
 * #close()} returned.
 *
 * @param <R> row type
 */
public interface RecordWriter<R> {

  /** Appends one row. */
  void write(R row) throws IOException;

  /** Rows written so far. */
  long rowCount();

  /**
   * Writes the footer, closes the file and forces its content to disk (fsync).
   *
   * @throws IOException if any step fails; the file must then be treated as garbage
   */
  void close() throws IOException;

  /** Closes and deletes the temporary file, ignoring its content. Never throws. */
  void abort();
}
