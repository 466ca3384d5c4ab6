package dev.tapwire.processor.provider;

import dev.tapwire.avro.Operation;
import java.util.Locale;

/**
 * Chooses the {@link ProviderParser} for a request by host and path (query string ignored).
 *
 * <ul>
 *   <li>{@code *.anthropic.com}: {@code /v1/messages} → Messages; {@code /v1/messages/count_tokens}
 *       → count_tokens; {@code /api/event_logging/*}, {@code /api/claude_code/metrics*} and any
 *       path containing {@code /telemetry} → TELEMETRY; anything else (settings, bootstrap,
 *       batches, files…) → OTHER with provider anthropic. Message Batches create and poll calls
 *       stay OTHER; a results download ({@code GET /v1/messages/batches/{id}/results}) is OTHER
 *       here too, and its body is read line by line by {@link BatchResultsParser} into one MESSAGES
 *       record per batched request.
 *   <li>{@code *.openai.com}: {@code /v1/chat/completions} → chat completions; {@code
 *       /v1/responses} → Responses; anything else → OTHER with provider openai.
 *   <li>any other host → OTHER with provider other.
 * </ul>
 */
public final class ProviderParsers {
  private static final ProviderParser MESSAGES = new AnthropicMessagesParser();
  private static final ProviderParser COUNT_TOKENS = new AnthropicCountTokensParser();
  private static final ProviderParser ANTHROPIC_TELEMETRY =
      new OtherParser("anthropic", Operation.TELEMETRY);
  private static final ProviderParser ANTHROPIC_OTHER =
      new OtherParser("anthropic", Operation.OTHER);
  private static final ProviderParser CHAT = new OpenAiChatParser();
  private static final ProviderParser RESPONSES = new OpenAiResponsesParser();
  private static final ProviderParser OPENAI_OTHER = new OtherParser("openai", Operation.OTHER);
  private static final ProviderParser OTHER = new OtherParser("other", Operation.OTHER);

  private ProviderParsers() {}

  /**
   * The parser for a request.
   *
   * @param host the request host (case-insensitive, no port)
   * @param path the origin-form path, possibly with a query
   */
  public static ProviderParser select(String host, String path) {
    String h = host == null ? "" : host.toLowerCase(Locale.ROOT);
    String p = pathOnly(path);
    if (h.equals("anthropic.com") || h.endsWith(".anthropic.com")) {
      if (p.equals("/v1/messages")) {
        return MESSAGES;
      }
      if (p.equals("/v1/messages/count_tokens")) {
        return COUNT_TOKENS;
      }
      if (p.startsWith("/api/event_logging")
          || p.startsWith("/api/claude_code/metrics")
          || p.contains("/telemetry")) {
        return ANTHROPIC_TELEMETRY;
      }
      return ANTHROPIC_OTHER;
    }
    if (h.equals("openai.com") || h.endsWith(".openai.com")) {
      if (p.equals("/v1/chat/completions")) {
        return CHAT;
      }
      if (p.equals("/v1/responses")) {
        return RESPONSES;
      }
      return OPENAI_OTHER;
    }
    return OTHER;
  }

  /** True for Anthropic Message Batches paths, which the price table discounts. */
  public static boolean isBatch(String path) {
    return pathOnly(path).startsWith("/v1/messages/batches");
  }

  static String pathOnly(String path) {
    if (path == null) {
      return "";
    }
    int q = path.indexOf('?');
    String p = q < 0 ? path : path.substring(0, q);
    return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
  }
}
