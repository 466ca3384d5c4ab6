package dev.tapwire.processor.pricing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A versioned, effective-dated price table, read from JSON (the bundled {@code
 * pricing/prices-<version>.json} or a user's file of the same shape).
 *
 * <p>Model matching: the id is lower-cased, then matched exactly, or as a listed id followed only
 * by a date or version suffix ({@code -20250929}, {@code -latest}, {@code -v1}, {@code -v1:0}) and
 * an optional {@code [1m]} marker. Nothing else matches: {@code claude-opus-4-9} does not match
 * {@code claude-opus-4}, so an unlisted model is unknown rather than guessed.
 */
public final class PriceTable {
  /** The bundled table's resource path. */
  public static final String BUNDLED_RESOURCE = "pricing/prices-2026-11-01.json";

  private static final Pattern SUFFIX =
      Pattern.compile("^(.*?)((-\\d{8})|(-latest))?(-v\\d+(:\\d+)?)?(\\[1m\\])?$");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String version;
  private final Map<String, ModelPricing> byId;

  private PriceTable(String version, Map<String, ModelPricing> byId) {
    this.version = version;
    this.byId = byId;
  }

  /** The table shipped in this jar. */
  public static PriceTable bundled() {
    try (InputStream in = PriceTable.class.getClassLoader().getResourceAsStream(BUNDLED_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + BUNDLED_RESOURCE);
      }
      return parse(JSON.readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + BUNDLED_RESOURCE, e);
    }
  }

  /**
   * Reads a user's price table.
   *
   * @throws IllegalArgumentException when the file is unreadable or malformed
   */
  public static PriceTable load(Path file) {
    try {
      return parse(JSON.readTree(Files.readAllBytes(file)));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          "cannot read price table " + file + ": " + e.getMessage(), e);
    }
  }

  /** Parses the JSON shape of {@link #BUNDLED_RESOURCE}. */
  static PriceTable parse(JsonNode root) {
    String version = required(root, "version").asText();
    Map<String, ModelPricing> byId = new HashMap<>();
    for (JsonNode model : required(root, "models")) {
      List<String> ids = new ArrayList<>();
      model.get("ids").forEach(id -> ids.add(id.asText().toLowerCase(Locale.ROOT)));
      List<ModelPricing.Period> periods = new ArrayList<>();
      for (JsonNode period : required(model, "periods")) {
        periods.add(
            new ModelPricing.Period(
                Instant.parse(required(period, "from").asText()), prices(period)));
      }
      periods.sort(Comparator.comparing(ModelPricing.Period::from));
      JsonNode lc = model.get("long_context");
      ModelPricing.LongContext longContext =
          lc == null
              ? null
              : new ModelPricing.LongContext(
                  required(lc, "beta_prefix").asText(),
                  required(lc, "above_input_tokens").asLong(),
                  prices(lc));
      JsonNode b = model.get("band");
      ModelPricing.Band band =
          b == null
              ? null
              : new ModelPricing.Band(required(b, "above_input_tokens").asLong(), prices(b));
      ModelPricing pricing =
          new ModelPricing(
              required(model, "name").asText(), List.copyOf(ids), periods, longContext, band);
      for (String id : ids) {
        if (byId.put(id, pricing) != null) {
          throw new IllegalArgumentException("model id listed twice: " + id);
        }
      }
    }
    return new PriceTable(version, Map.copyOf(byId));
  }

  private static Prices prices(JsonNode node) {
    return new Prices(
        decimal(node, "input"),
        decimal(node, "cache_write_5m"),
        decimal(node, "cache_write_1h"),
        decimal(node, "cache_read"),
        decimal(node, "output"));
  }

  private static BigDecimal decimal(JsonNode node, String field) {
    return new BigDecimal(required(node, field).asText());
  }

  private static JsonNode required(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw new IllegalArgumentException("price table: missing field " + field + " in " + node);
    }
    return value;
  }

  /** The table's version, recorded in every call record's cost. */
  public String version() {
    return version;
  }

  /** The entry pricing {@code modelId}, if listed (see the class comment for matching). */
  public Optional<ModelPricing> find(String modelId) {
    if (modelId == null) {
      return Optional.empty();
    }
    String id = modelId.trim().toLowerCase(Locale.ROOT);
    ModelPricing exact = byId.get(id);
    if (exact != null) {
      return Optional.of(exact);
    }
    Matcher m = SUFFIX.matcher(id);
    if (m.matches()) {
      return Optional.ofNullable(byId.get(m.group(1)));
    }
    return Optional.empty();
  }
}
