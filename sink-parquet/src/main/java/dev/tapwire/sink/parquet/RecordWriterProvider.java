package dev.tapwire.sink.parquet;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Opens {@link RecordWriter}s for one file format (after Confluent's storage-common {@code
 * RecordWriterProvider} and storage-cloud's {@code ParquetRecordWriterProvider}).
 *
 * @param <R> row type
 */
public interface RecordWriterProvider<R> {

  /** File name extension including the dot, e.g. {@code .parquet}. */
  String extension();

  /** Opens a writer on a new file {@code file}; fails if it exists. */
  RecordWriter<R> open(Path file) throws IOException;
}
