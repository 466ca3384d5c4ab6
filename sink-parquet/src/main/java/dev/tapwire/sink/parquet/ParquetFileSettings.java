package dev.tapwire.sink.parquet;

/**
 * Physical layout of the Parquet files.
 *
 * @param rowGroupBytes target row group size in bytes (of buffered, encoded data)
 * @param rowGroupRows most rows per row group; DuckDB parallelises scans per row group and writes
 *     122,880 rows per group itself
 * @param pageBytes target page size in bytes
 * @param zstdLevel zstd level, 1 to 22; 0 writes uncompressed files
 */
public record ParquetFileSettings(
    long rowGroupBytes, int rowGroupRows, int pageBytes, int zstdLevel) {

  /** 32 MiB or 122,880-row row groups, 1 MiB pages, zstd level 3. */
  public static final ParquetFileSettings DEFAULT =
      new ParquetFileSettings(32L * 1024 * 1024, 122_880, 1024 * 1024, 3);

  public ParquetFileSettings {
    if (rowGroupBytes < 64 * 1024
        || rowGroupRows < 1
        || pageBytes < 1024
        || zstdLevel < 0
        || zstdLevel > 22) {
      throw new IllegalArgumentException(
          "invalid Parquet settings: row group "
              + rowGroupBytes
              + " B / "
              + rowGroupRows
              + " rows, page "
              + pageBytes
              + " B, zstd level "
              + zstdLevel);
    }
  }
}
