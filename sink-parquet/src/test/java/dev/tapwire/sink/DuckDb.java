package dev.tapwire.sink;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Test helper: queries over a Parquet dataset with an in-memory DuckDB. */
public final class DuckDb {

  private DuckDb() {}

  /** {@code read_parquet('<dir>/**&#47;*.parquet', hive_partitioning=true)} for a dataset dir. */
  public static String scan(Path datasetDir) {
    return "read_parquet('"
        + datasetDir.toAbsolutePath()
        + "/**/*.parquet', hive_partitioning=true)";
  }

  /** Runs {@code sql} and returns every row as a list of column values. */
  public static List<List<Object>> query(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      List<List<Object>> rows = new ArrayList<>();
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
          row.add(rs.getObject(i));
        }
        rows.add(row);
      }
      return rows;
    }
  }
}
