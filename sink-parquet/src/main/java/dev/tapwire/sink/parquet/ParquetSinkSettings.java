package dev.tapwire.sink.parquet;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of one {@link ParquetSink}.
 *
 * @param root sink root directory; the dataset lives in {@code <root>/<dataset name>}
 * @param topic source topic
 * @param rotation when files are closed
 * @param files physical Parquet layout
 * @param pollTimeout longest wait in {@code poll}; bounds how late an idle file is closed
 */
public record ParquetSinkSettings(
    Path root,
    String topic,
    RotationPolicy rotation,
    ParquetFileSettings files,
    Duration pollTimeout) {}
