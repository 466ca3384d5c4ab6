package dev.tapwire.cli.sql;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Defines the DuckDB views {@code calls} and {@code flows} over the Parquet datasets of a data
 * directory: {@code read_parquet('<dataset>/**&#47;*.parquet', hive_partitioning=true,
 * union_by_name=true)}. A dataset without a finished {@code .parquet} file yet gets no view (DuckDB
 * would fail with "No files found"), and {@link #missing()} names it so the caller can say so.
 */
public final class ParquetViews {
  /** A view name and the dataset directory it reads. */
  public record View(String name, Path dataset) {}

  private final List<View> views;
  private final List<View> missing = new ArrayList<>();

  /**
   * @param views the views to define
   */
  public ParquetViews(List<View> views) {
    this.views = List.copyOf(views);
  }

  /**
   * Creates the views whose dataset has at least one Parquet file.
   *
   * @throws SQLException if DuckDB rejects a view (e.g. a corrupt file)
   */
  public void define(Connection connection) throws SQLException {
    missing.clear();
    try (Statement statement = connection.createStatement()) {
      for (View view : views) {
        if (!hasParquetFile(view.dataset())) {
          missing.add(view);
          continue;
        }
        String glob = view.dataset().toAbsolutePath() + "/**/*.parquet";
        statement.execute(
            "CREATE OR REPLACE VIEW "
                + view.name()
                + " AS SELECT * FROM read_parquet("
                + quote(glob)
                + ", hive_partitioning=true, union_by_name=true)");
      }
    }
  }

  /** The views left undefined by the last {@link #define} because their dataset is empty. */
  public List<View> missing() {
    return List.copyOf(missing);
  }

  /** True when {@code dataset} holds at least one finished {@code .parquet} file. */
  public static boolean hasParquetFile(Path dataset) {
    if (!Files.isDirectory(dataset)) {
      return false;
    }
    try (Stream<Path> files = Files.walk(dataset)) {
      return files.anyMatch(
          p -> p.getFileName().toString().endsWith(".parquet") && Files.isRegularFile(p));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dataset, e);
    }
  }

  private static String quote(String literal) {
    return "'" + literal.replace("'", "''") + "'";
  }
}
