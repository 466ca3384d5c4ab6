package dev.tapwire.cli.state;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.function.LongPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and writes {@code <data-dir>/tapwire.state.json}. Written atomically (temporary file, then
 * rename) once {@code tapwire run} is up, deleted on a clean stop. A file whose process is no
 * longer alive (a crashed or killed run) is stale and read as absent.
 */
public final class StateFile {
  /** The file's name in the data directory. */
  public static final String FILE_NAME = "tapwire.state.json";

  private static final Logger log = LoggerFactory.getLogger(StateFile.class);

  private final Path path;
  private final LongPredicate processAlive;
  private final ObjectMapper json =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * @param path the state file
   */
  public StateFile(Path path) {
    this(path, pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
  }

  /**
   * @param path the state file
   * @param processAlive tells whether a process id is alive (tests pass their own)
   */
  public StateFile(Path path, LongPredicate processAlive) {
    this.path = path;
    this.processAlive = processAlive;
  }

  /** The file's location. */
  public Path path() {
    return path;
  }

  /**
   * Writes {@code state} atomically.
   *
   * @throws UncheckedIOException if the file cannot be written
   */
  public void write(RunState state) {
    Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
    try {
      Files.createDirectories(path.getParent());
      Files.write(tmp, json.writeValueAsBytes(state));
      Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write state file " + path, e);
    }
  }

  /**
   * The state of a live {@code tapwire run} on this data directory; empty when there is no file,
   * when its process is dead (stale) or when it cannot be parsed (logged).
   */
  public Optional<RunState> readLive() {
    RunState state;
    try {
      state = json.readValue(Files.readAllBytes(path), RunState.class);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      log.warn("ignoring unreadable state file {}: {}", path, e.getMessage());
      return Optional.empty();
    }
    if (!processAlive.test(state.pid())) {
      log.debug("ignoring stale state file {} (process {} is not running)", path, state.pid());
      return Optional.empty();
    }
    return Optional.of(state);
  }

  /** Deletes the file if it is there. */
  public void delete() {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete state file " + path, e);
    }
  }
}
