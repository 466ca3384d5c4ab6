package dev.tapwire.replay.drift;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a drift report as {@code drift.json} (machine-readable, {@code {"format":
 * "tapwire-drift/1", "baseline": dir, "changes": [{"kind", "operation", "direction", "client_name",
 * "path", "before", "after", "example_flow_ids"}]}}) and {@code drift.md} (one section per kind,
 * one bullet per change). Both contain names of paths, types, formats, SSE event and delta types,
 * and flow ids; never a value.
 */
public final class DriftWriter {
  /** JSON report file name. */
  public static final String JSON_FILE = "drift.json";

  /** Markdown report file name. */
  public static final String MARKDOWN_FILE = "drift.md";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private DriftWriter() {}

  /** Writes both files into {@code dir}. */
  public static void write(List<Change> changes, String baseline, Path dir) throws IOException {
    Files.createDirectories(dir);
    JSON.writeValue(dir.resolve(JSON_FILE).toFile(), toJson(changes, baseline));
    Files.writeString(
        dir.resolve(MARKDOWN_FILE), toMarkdown(changes, baseline), StandardCharsets.UTF_8);
  }

  /** The JSON report. */
  public static ObjectNode toJson(List<Change> changes, String baseline) {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", "tapwire-drift/1");
    root.put("baseline", baseline);
    ArrayNode list = root.putArray("changes");
    for (Change c : changes) {
      ObjectNode n = list.addObject();
      n.put("kind", c.kind().name());
      n.put("operation", c.group().operation());
      n.put("direction", c.group().direction());
      n.put("client_name", c.group().clientName());
      n.put("path", c.path());
      c.before().forEach(n.putArray("before")::add);
      ArrayNode after = n.putArray("after");
      c.after().forEach(after::add);
      ArrayNode examples = n.putArray("example_flow_ids");
      c.exampleFlowIds().forEach(examples::add);
    }
    return root;
  }

  /** The Markdown report. */
  public static String toMarkdown(List<Change> changes, String baseline) {
    StringBuilder md = new StringBuilder();
    md.append("# Wire schema drift\n\n");
    md.append("Baseline: `").append(baseline).append("`. ");
    md.append(changes.size()).append(changes.size() == 1 ? " change" : " changes").append(".\n");
    md.append(
        "Only paths, JSON types, string formats, SSE event types and"
            + " `content_block_delta.delta.type` tags are reported; no values.\n");
    Change.Kind section = null;
    for (Change c : changes) {
      if (c.kind() != section) {
        section = c.kind();
        md.append("\n## ").append(title(section)).append("\n\n");
      }
      md.append("- **")
          .append(c.group().operation())
          .append(" ")
          .append(c.group().direction())
          .append("** (")
          .append(c.group().clientName())
          .append(") `")
          .append(c.path())
          .append("`");
      if (!c.before().isEmpty()
          || c.kind() == Change.Kind.TYPE_CHANGED
          || c.kind() == Change.Kind.FORMAT_CHANGED) {
        md.append(": ")
            .append(String.join(", ", c.before()))
            .append(" → ")
            .append(String.join(", ", c.after()));
      } else if (!c.after().isEmpty()) {
        md.append(" with ")
            .append(String.join(", ", c.after().stream().map(p -> "`" + p + "`").toList()));
      }
      md.append("; e.g. flows ").append(String.join(", ", c.exampleFlowIds())).append("\n");
    }
    if (changes.isEmpty()) {
      md.append("\nNo drift.\n");
    }
    return md.toString();
  }

  private static String title(Change.Kind kind) {
    return switch (kind) {
      case GROUP_ADDED -> "New operations / directions";
      case GROUP_REMOVED -> "Operations / directions no longer seen";
      case SSE_EVENT_ADDED -> "New SSE event types";
      case SSE_EVENT_REMOVED -> "SSE event types no longer seen";
      case DELTA_TYPE_ADDED -> "New delta types";
      case FIELD_ADDED -> "Fields added";
      case FIELD_REMOVED -> "Fields removed";
      case TYPE_CHANGED -> "Fields changed in type";
      case FORMAT_CHANGED -> "Identifier / string format changes";
    };
  }
}
