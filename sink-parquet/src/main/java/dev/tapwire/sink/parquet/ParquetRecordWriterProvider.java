package dev.tapwire.sink.parquet;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.IndexedRecord;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes Avro rows into local Parquet files without Hadoop: {@link LocalOutputFile}, {@link
 * PlainParquetConfiguration} and the {@link ZstdCodecFactory}. UUIDs are written as the Parquet
 * UUID logical type, lists in the standard three-level form, timestamps as {@code TIMESTAMP(MICROS,
 * UTC)} and decimals as {@code DECIMAL(p, s)}, which DuckDB reads as {@code UUID}, {@code LIST},
 * {@code TIMESTAMP WITH TIME ZONE} and {@code DECIMAL}.
 */
public final class ParquetRecordWriterProvider implements RecordWriterProvider<IndexedRecord> {

  private static final Logger log = LoggerFactory.getLogger(ParquetRecordWriterProvider.class);

  private final Schema schema;
  private final GenericData model;
  private final ParquetFileSettings settings;
  private final Map<String, String> fileMetadata;

  /**
   * @param schema Avro schema of the rows; becomes the Parquet schema
   * @param model data model that knows the rows' logical-type conversions (for generated classes
   *     {@code SpecificData.getForClass(type)})
   * @param settings row group, page and compression settings
   * @param fileMetadata key-value metadata for every file footer
   */
  public ParquetRecordWriterProvider(
      Schema schema,
      GenericData model,
      ParquetFileSettings settings,
      Map<String, String> fileMetadata) {
    this.schema = schema;
    this.model = model;
    this.settings = settings;
    this.fileMetadata = Map.copyOf(fileMetadata);
  }

  /** A provider for the rows of {@code dataset}. */
  public static ParquetRecordWriterProvider forDataset(
      Dataset<?> dataset, ParquetFileSettings settings) {
    return new ParquetRecordWriterProvider(
        dataset.rowSchema(), dataset.dataModel(), settings, dataset.fileMetadata());
  }

  @Override
  public String extension() {
    return ".parquet";
  }

  @Override
  public RecordWriter<IndexedRecord> open(Path file) throws IOException {
    PlainParquetConfiguration conf =
        new PlainParquetConfiguration(
            Map.of(
                "parquet.avro.write-parquet-uuid", "true",
                "parquet.avro.write-old-list-structure", "false"));
    ParquetWriter<IndexedRecord> writer =
        AvroParquetWriter.<IndexedRecord>builder(new LocalOutputFile(file))
            .withConf(conf)
            .withSchema(schema)
            .withDataModel(model)
            .withWriteMode(ParquetFileWriter.Mode.CREATE)
            .withCodecFactory(new ZstdCodecFactory(Math.max(1, settings.zstdLevel())))
            .withCompressionCodec(
                settings.zstdLevel() > 0
                    ? CompressionCodecName.ZSTD
                    : CompressionCodecName.UNCOMPRESSED)
            .withRowGroupSize(settings.rowGroupBytes())
            .withRowGroupRowCountLimit(settings.rowGroupRows())
            .withPageSize(settings.pageBytes())
            .withDictionaryEncoding(true)
            .withExtraMetaData(fileMetadata)
            .build();
    return new ParquetRecordWriter(file, writer);
  }

  private static final class ParquetRecordWriter implements RecordWriter<IndexedRecord> {
    private final Path file;
    private final ParquetWriter<IndexedRecord> writer;
    private long rows;
    private boolean closed;

    ParquetRecordWriter(Path file, ParquetWriter<IndexedRecord> writer) {
      this.file = file;
      this.writer = writer;
    }

    @Override
    public void write(IndexedRecord row) throws IOException {
      writer.write(row);
      rows++;
    }

    @Override
    public long rowCount() {
      return rows;
    }

    @Override
    public void close() throws IOException {
      closed = true;
      writer.close();
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
        channel.force(true);
      }
    }

    @Override
    public void abort() {
      if (!closed) {
        closed = true;
        try {
          writer.close();
        } catch (IOException | RuntimeException e) {
          log.warn("Closing aborted file {} failed; deleting it anyway", file, e);
        }
      }
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        log.warn("Could not delete aborted file {}; it is removed on the next start", file, e);
      }
    }
  }
}
