package dev.tapwire.cli.sql;

import java.math.BigDecimal;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.duckdb.DuckDBStruct;

/**
 * A query result held in memory as plain Java values ready for output: numbers stay {@link Number}
 * (decimals exact), timestamps and UUIDs become ISO/text strings, lists become {@link List},
 * structs and maps become {@link Map}, binary becomes base64 text.
 *
 * @param columns column labels in order
 * @param rows one list of values per row, aligned with {@code columns}
 */
public record ResultTable(List<String> columns, List<List<Object>> rows) {
  public ResultTable {
    columns = List.copyOf(columns);
    rows = List.copyOf(rows);
  }

  /**
   * Reads every row of {@code resultSet}.
   *
   * @throws SQLException if reading fails
   */
  public static ResultTable read(ResultSet resultSet) throws SQLException {
    ResultSetMetaData meta = resultSet.getMetaData();
    List<String> columns = new ArrayList<>();
    for (int i = 1; i <= meta.getColumnCount(); i++) {
      columns.add(meta.getColumnLabel(i));
    }
    List<List<Object>> rows = new ArrayList<>();
    while (resultSet.next()) {
      List<Object> row = new ArrayList<>(columns.size());
      for (int i = 1; i <= columns.size(); i++) {
        row.add(plain(resultSet.getObject(i)));
      }
      rows.add(row);
    }
    return new ResultTable(columns, rows);
  }

  /** Converts one JDBC value to a plain Java value (see the class description). */
  static Object plain(Object value) throws SQLException {
    if (value == null || value instanceof String || value instanceof Boolean) {
      return value;
    }
    if (value instanceof BigDecimal || value instanceof Number) {
      return value;
    }
    if (value instanceof UUID || value instanceof TemporalAccessor) {
      return value.toString();
    }
    if (value instanceof java.sql.Timestamp timestamp) {
      return timestamp.toInstant().toString();
    }
    if (value instanceof java.sql.Date || value instanceof java.sql.Time) {
      return value.toString();
    }
    if (value instanceof byte[] bytes) {
      return Base64.getEncoder().encodeToString(bytes);
    }
    if (value instanceof Array array) {
      Object[] elements = (Object[]) array.getArray();
      List<Object> list = new ArrayList<>(elements.length);
      for (Object element : elements) {
        list.add(plain(element));
      }
      return list;
    }
    if (value instanceof DuckDBStruct struct) {
      return plainMap(struct.getMap());
    }
    if (value instanceof Map<?, ?> map) {
      return plainMap(map);
    }
    return value.toString();
  }

  private static Map<String, Object> plainMap(Map<?, ?> map) throws SQLException {
    Map<String, Object> plain = new LinkedHashMap<>();
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      plain.put(String.valueOf(entry.getKey()), plain(entry.getValue()));
    }
    return plain;
  }
}
