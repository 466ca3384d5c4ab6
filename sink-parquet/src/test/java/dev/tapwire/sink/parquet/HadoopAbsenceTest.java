package dev.tapwire.sink.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.sink.DuckDb;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves that Parquet writing needs no Hadoop at run time: a JVM on exactly the module's runtime
 * classpath (written by maven-dependency-plugin to target/runtime-classpath.txt, so hadoop-common,
 * a provided dependency, is not on it) writes a zstd file that DuckDB reads, and cannot load
 * org.apache.hadoop.conf.Configuration.
 */
class HadoopAbsenceTest {

  @TempDir Path root;

  @Test
  void shouldWriteParquetInAJvmWithoutAnyHadoopClass() throws Exception {
    Path target = Path.of("target");
    String runtime =
        Files.readString(target.resolve("runtime-classpath.txt"), StandardCharsets.UTF_8).trim();
    assertThat(runtime).doesNotContain("hadoop-common").contains("parquet-hadoop");
    String classpath =
        String.join(
            File.pathSeparator,
            target.resolve("classes").toAbsolutePath().toString(),
            target.resolve("test-classes").toAbsolutePath().toString(),
            runtime);
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process process =
        new ProcessBuilder(
                java.toString(),
                "-Xmx256m",
                "-cp",
                classpath,
                HadoopFreeWriteMain.class.getName(),
                root.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output)
        .contains("absent org.apache.hadoop.conf.Configuration")
        .contains("absent org.apache.hadoop.fs.Path");

    List<List<Object>> rows =
        DuckDb.query(
            "SELECT count(*), min(compression) FROM parquet_metadata('"
                + root.resolve("calls").toAbsolutePath()
                + "/**/*.parquet')");
    assertThat(rows.get(0).get(1)).isEqualTo("ZSTD");
    assertThat(DuckDb.query("SELECT count(*) FROM " + DuckDb.scan(root.resolve("calls"))).get(0))
        .containsExactly(3L);
  }
}
