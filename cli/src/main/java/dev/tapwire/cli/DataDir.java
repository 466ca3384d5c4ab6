package dev.tapwire.cli;

import java.nio.file.Path;

/**
 * The layout of a Tapwire data directory: {@code kafka/} (broker log), {@code ca/} (certificate
 * authority), {@code parquet/calls/…} and {@code parquet/flows/…} (datasets), {@code audit.db}
 * (SQLite audit tables), {@code spool/} (events waiting for Kafka), {@code streams/} (processor
 * state) and {@code tapwire.state.json} (present while {@code tapwire run} is up).
 *
 * @param root the directory, absolute and normalized
 */
public record DataDir(Path root) {
  /** The default, relative to the working directory. */
  public static final String DEFAULT = "./tapwire-data";

  public DataDir {
    root = root.toAbsolutePath().normalize();
  }

  /** The layout under {@code path}. */
  public static DataDir of(Path path) {
    return new DataDir(path);
  }

  public Path kafka() {
    return root.resolve("kafka");
  }

  public Path ca() {
    return root.resolve("ca");
  }

  /** The CA certificate clients trust (PEM), written by the proxy's certificate authority. */
  public Path caCertificate() {
    return ca().resolve("tapwire-ca.pem");
  }

  /** The system trust store plus the Tapwire CA, for clients that replace their trust store. */
  public Path caBundle() {
    return ca().resolve("tapwire-bundle.pem");
  }

  public Path parquet() {
    return root.resolve("parquet");
  }

  public Path callsDataset() {
    return parquet().resolve("calls");
  }

  public Path flowsDataset() {
    return parquet().resolve("flows");
  }

  public Path auditDb() {
    return root.resolve("audit.db");
  }

  public Path spool() {
    return root.resolve("spool");
  }

  public Path streamsState() {
    return root.resolve("streams");
  }

  public Path stateFile() {
    return root.resolve(dev.tapwire.cli.state.StateFile.FILE_NAME);
  }
}
