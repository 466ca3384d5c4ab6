package dev.tapwire.cli;

import dev.tapwire.cli.sql.OutputFormat;
import dev.tapwire.cli.sql.ParquetViews;
import dev.tapwire.cli.sql.ParquetViews.View;
import dev.tapwire.cli.sql.ResultTable;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tapwire sql "SELECT …"}: runs one DuckDB query (in memory, reading the Parquet files of
 * the data directory) with the views {@code calls} and {@code flows} defined.
 */
@Command(
    name = "sql",
    mixinStandardHelpOptions = true,
    description = {
      "Query the Parquet datasets with DuckDB. The views calls and flows are defined over"
          + " <data-dir>/parquet/calls and <data-dir>/parquet/flows (Hive partitions as columns).",
      "Example: tapwire sql \"SELECT request.model, sum(cost.total_usd) FROM calls GROUP BY 1\""
    })
final class SqlCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin DataDirOption dataDirOption;

  @Parameters(index = "0", paramLabel = "QUERY", description = "The SQL to run (DuckDB dialect).")
  String query;

  @Option(
      names = {"-f", "--format"},
      paramLabel = "FORMAT",
      defaultValue = "table",
      description = "Output: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  OutputFormat format;

  @Override
  public Integer call() throws SQLException {
    DataDir dataDir = dataDirOption.dataDir();
    ParquetViews views =
        new ParquetViews(
            List.of(
                new View("calls", dataDir.callsDataset()),
                new View("flows", dataDir.flowsDataset())));
    PrintWriter out = spec.commandLine().getOut();
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = connection.createStatement()) {
      views.define(connection);
      boolean hasResult;
      try {
        hasResult = statement.execute(query);
      } catch (SQLException e) {
        throw explain(e, views.missing());
      }
      if (hasResult) {
        try (ResultSet resultSet = statement.getResultSet()) {
          format.write(ResultTable.read(resultSet), out);
        }
      } else {
        out.println("OK");
      }
    }
    out.flush();
    return 0;
  }

  private static UserError explain(SQLException e, List<View> missing) {
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    for (View view : missing) {
      if (message.toLowerCase(Locale.ROOT).contains("name " + view.name() + " does not exist")) {
        return new UserError(
            "No data in the "
                + view.name()
                + " view yet: "
                + view.dataset()
                + " holds no Parquet file. Files appear once calls pass through the proxy and the"
                + " sink closes a file (a few seconds after the last call).");
      }
    }
    String empty =
        missing.isEmpty()
            ? ""
            : " (empty datasets, no view defined: "
                + missing.stream().map(View::name).collect(Collectors.joining(", "))
                + ")";
    return new UserError("SQL error: " + message + empty);
  }
}
