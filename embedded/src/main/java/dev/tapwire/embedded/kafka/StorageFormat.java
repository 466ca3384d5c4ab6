package dev.tapwire.embedded.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Formats a KRaft data directory once, as {@code kafka-storage.sh format} does: writes {@code
 * meta.properties} (cluster id, node id, directory id) and the bootstrap metadata checkpoint with
 * the latest production {@code metadata.version}. A directory that already holds {@code
 * meta.properties} is left alone, so a restart keeps its cluster id, topics and records.
 */
final class StorageFormat {

  private static final Logger LOG = LoggerFactory.getLogger(StorageFormat.class);

  /** Written by the formatter; its presence marks a formatted directory. */
  static final String META_PROPERTIES = "meta.properties";

  private StorageFormat() {}

  /**
   * Formats {@code dataDir} unless it is already formatted.
   *
   * @return {@code true} if the directory was formatted now, {@code false} if it already was
   * @throws IOException if the directory cannot be created
   * @throws IllegalStateException if Kafka's formatter rejects the directory or settings
   */
  static boolean formatIfNeeded(Path dataDir, int nodeId, String controllerListenerName)
      throws IOException {
    if (Files.exists(dataDir.resolve(META_PROPERTIES))) {
      return false;
    }
    Files.createDirectories(dataDir);
    String directory = dataDir.toAbsolutePath().toString();
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    Formatter formatter =
        new Formatter()
            .setPrintStream(new PrintStream(output, true, StandardCharsets.UTF_8))
            .setClusterId(Uuid.randomUuid().toString())
            .setNodeId(nodeId)
            .addDirectory(directory)
            .setMetadataLogDirectory(directory)
            .setControllerListenerName(controllerListenerName)
            .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION);
    try {
      formatter.run();
    } catch (Exception e) {
      throw new IllegalStateException("Cannot format Kafka data directory " + directory, e);
    }
    LOG.debug("Formatted {}: {}", directory, output.toString(StandardCharsets.UTF_8).trim());
    return true;
  }
}
