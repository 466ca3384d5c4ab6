package dev.tapwire.sink.parquet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directory tree of one dataset, {@code <root>/<dataset>/<partition path>/<files>}, and the
 * file-system side of the exactly-once scheme: temporary files are named {@code
 * <topic>+<partition>+<startOffset>.<random>.tmp} next to their final place, published by an atomic
 * rename followed by an fsync of the directory, and deleted on start; committed files are named by
 * {@link DataFileName}, whose highest end offset per topic partition is where the sink resumes.
 *
 * <p>One sink process owns a dataset directory: {@link #recover()} deletes every temporary file in
 * it, including those of another process writing there.
 */
public final class DatasetDirectory {

  private static final Logger log = LoggerFactory.getLogger(DatasetDirectory.class);
  static final String TEMP_SUFFIX = ".tmp";

  private final Path dir;
  private final String extension;

  /**
   * @param root the sink root (e.g. {@code <data-dir>/parquet})
   * @param dataset dataset directory name
   * @param extension data file extension including its dot
   */
  public DatasetDirectory(Path root, String dataset, String extension) {
    this.dir = root.resolve(dataset);
    this.extension = extension;
  }

  /** The dataset directory. */
  public Path path() {
    return dir;
  }

  /**
   * Deletes stray temporary files left by a crash and returns, per topic partition, the offset to
   * resume from: the highest end offset found in committed file names plus one.
   *
   * @throws UncheckedIOException if the tree cannot be read or a temporary file not deleted
   */
  public Map<TopicPartition, Long> recover() {
    Map<TopicPartition, Long> next = new HashMap<>();
    if (!Files.isDirectory(dir)) {
      return next;
    }
    List<Path> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.filter(Files::isRegularFile).forEach(files::add);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot scan " + dir, e);
    }
    for (Path file : files) {
      String name = file.getFileName().toString();
      if (name.endsWith(TEMP_SUFFIX)) {
        try {
          Files.delete(file);
          log.info("Deleted stray temporary file {}", file);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot delete stray temporary file " + file, e);
        }
        continue;
      }
      DataFileName.parse(name, extension)
          .ifPresent(
              f ->
                  next.merge(
                      new TopicPartition(f.topic(), f.partition()), f.endOffset() + 1, Math::max));
    }
    return next;
  }

  /** A new temporary file for a file that starts at {@code startOffset}, creating directories. */
  public Path newTempFile(String partitionPath, TopicPartition tp, long startOffset)
      throws IOException {
    Path parent = dir.resolve(partitionPath);
    Files.createDirectories(parent);
    return parent.resolve(
        tp.topic()
            + "+"
            + tp.partition()
            + "+"
            + startOffset
            + "."
            + UUID.randomUUID()
            + TEMP_SUFFIX);
  }

  /**
   * Renames {@code tempFile} atomically to {@code name} in the same directory and fsyncs the
   * directory (and its parents up to the dataset directory, which may be new).
   *
   * @return the final path
   */
  public Path publish(Path tempFile, DataFileName name) throws IOException {
    Path target = tempFile.resolveSibling(name.format(extension));
    Files.move(tempFile, target, StandardCopyOption.ATOMIC_MOVE);
    for (Path d = target.getParent(); d != null && d.startsWith(dir); d = d.getParent()) {
      fsyncDirectory(d);
    }
    return target;
  }

  private static void fsyncDirectory(Path directory) throws IOException {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }
}
