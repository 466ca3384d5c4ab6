package dev.tapwire.cli.sql;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How {@code tapwire sql} prints a {@link ResultTable}: an aligned text table (numbers right
 * aligned, NULL for SQL null), CSV (RFC 4180 quoting, empty for null) or JSON (an array of one
 * object per row, decimals as exact numbers).
 */
public enum OutputFormat {
  table {
    @Override
    public void write(ResultTable result, PrintWriter out) {
      int n = result.columns().size();
      List<String[]> cells = new ArrayList<>();
      boolean[] numeric = new boolean[n];
      int[] width = new int[n];
      for (int c = 0; c < n; c++) {
        width[c] = result.columns().get(c).length();
        numeric[c] = !result.rows().isEmpty();
      }
      for (List<Object> row : result.rows()) {
        String[] line = new String[n];
        for (int c = 0; c < n; c++) {
          Object value = row.get(c);
          line[c] = value == null ? "NULL" : text(value);
          width[c] = Math.max(width[c], line[c].length());
          numeric[c] &= value == null || value instanceof Number;
        }
        cells.add(line);
      }
      StringBuilder header = new StringBuilder();
      StringBuilder rule = new StringBuilder();
      for (int c = 0; c < n; c++) {
        String sep = c == 0 ? "" : " | ";
        header.append(sep).append(pad(result.columns().get(c), width[c], numeric[c]));
        rule.append(c == 0 ? "" : "-+-").append("-".repeat(width[c]));
      }
      out.println(header.toString().stripTrailing());
      out.println(rule);
      for (String[] line : cells) {
        StringBuilder text = new StringBuilder();
        for (int c = 0; c < n; c++) {
          text.append(c == 0 ? "" : " | ").append(pad(line[c], width[c], numeric[c]));
        }
        out.println(text.toString().stripTrailing());
      }
      out.println("(" + result.rows().size() + (result.rows().size() == 1 ? " row)" : " rows)"));
    }
  },
  csv {
    @Override
    public void write(ResultTable result, PrintWriter out) {
      out.print(csvLine(new ArrayList<>(result.columns())));
      for (List<Object> row : result.rows()) {
        out.print(csvLine(row));
      }
    }
  },
  json {
    @Override
    public void write(ResultTable result, PrintWriter out) {
      List<Map<String, Object>> objects = new ArrayList<>();
      for (List<Object> row : result.rows()) {
        Map<String, Object> object = new LinkedHashMap<>();
        for (int c = 0; c < result.columns().size(); c++) {
          object.put(result.columns().get(c), row.get(c));
        }
        objects.add(object);
      }
      try {
        out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(objects));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot render result as JSON", e);
      }
    }
  };

  private static final ObjectMapper JSON =
      new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  /** Prints {@code result} to {@code out}. */
  public abstract void write(ResultTable result, PrintWriter out);

  private static String text(Object value) {
    if (value instanceof BigDecimal decimal) {
      return decimal.toPlainString();
    }
    if (value instanceof List<?> || value instanceof Map<?, ?>) {
      try {
        return JSON.writeValueAsString(value);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot render value as JSON", e);
      }
    }
    return String.valueOf(value);
  }

  private static String pad(String text, int width, boolean right) {
    String fill = " ".repeat(width - text.length());
    return right ? fill + text : text + fill;
  }

  private static String csvLine(List<Object> values) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        line.append(',');
      }
      Object value = values.get(i);
      if (value == null) {
        continue;
      }
      String text = text(value);
      if (text.contains(",") || text.contains("\"") || text.contains("\n") || text.contains("\r")) {
        line.append('"').append(text.replace("\"", "\"\"")).append('"');
      } else {
        line.append(text);
      }
    }
    return line.append("\r\n").toString();
  }
}
