package dev.tapwire.sink.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.flywaydb.core.Flyway;

/**
 * The audit database: migrates its schema with Flyway ({@code db/migration/postgresql} or {@code
 * db/migration/sqlite}) and opens connections. For SQLite the parent directory of the file is
 * created and connections use WAL journaling and a 10 s busy timeout.
 */
public final class AuditDatabase {

  private final String url;
  private final String user;
  private final String password;
  private final AuditDialect dialect;

  /**
   * @param url {@code jdbc:postgresql://…} or {@code jdbc:sqlite:<file>}
   * @param user user, or null
   * @param password password, or null
   * @throws IllegalArgumentException for an unsupported URL
   */
  public AuditDatabase(String url, String user, String password) {
    this.url = url;
    this.user = user;
    this.password = password;
    this.dialect = AuditDialect.of(url);
  }

  /** The database's dialect. */
  public AuditDialect dialect() {
    return dialect;
  }

  /**
   * Applies pending migrations.
   *
   * @throws org.flywaydb.core.api.FlywayException if a migration fails
   */
  public void migrate() {
    if (dialect == AuditDialect.SQLITE) {
      createSqliteDirectory();
    }
    Flyway.configure()
        .dataSource(url, user, password)
        .locations(dialect.migrations())
        .load()
        .migrate();
  }

  /** A new connection with auto-commit off. */
  public Connection connect() throws SQLException {
    Properties props = new Properties();
    if (user != null) {
      props.setProperty("user", user);
    }
    if (password != null) {
      props.setProperty("password", password);
    }
    Connection c = DriverManager.getConnection(url, props);
    if (dialect == AuditDialect.SQLITE) {
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("PRAGMA busy_timeout=10000");
        s.execute("PRAGMA synchronous=FULL");
      }
    }
    c.setAutoCommit(false);
    return c;
  }

  private void createSqliteDirectory() {
    String file = url.substring("jdbc:sqlite:".length());
    int query = file.indexOf('?');
    if (query >= 0) {
      file = file.substring(0, query);
    }
    if (file.isEmpty() || file.startsWith(":memory:") || file.startsWith("file:")) {
      return;
    }
    Path parent = Path.of(file).toAbsolutePath().getParent();
    try {
      Files.createDirectories(parent);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + parent, e);
    }
  }
}
