package dev.tapwire.processor.provider;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the body of an Anthropic Message Batches results download, {@code GET
 * /v1/messages/batches/{message_batch_id}/results} (docs.anthropic.com "Retrieve Message Batch
 * results"; anthropic-sdk-python {@code types/messages/message_batch_individual_response.py} and
 * {@code message_batch_result.py}): a {@code .jsonl} file, one {@code
 * MessageBatchIndividualResponse} per line, in no particular order:
 *
 * <pre>
 * {"custom_id":"…","result":{"type":"succeeded","message":{…a Messages API Message…}}}
 * {"custom_id":"…","result":{"type":"errored","error":{"type":"error","error":{"type":"…","message":"…"}}}}
 * {"custom_id":"…","result":{"type":"canceled"}}
 * {"custom_id":"…","result":{"type":"expired"}}
 * </pre>
 *
 * The response's content type varies in practice ({@code application/binary}, {@code
 * application/x-jsonl}), so the body is recognised by its path, never by its content type. A
 * succeeded line's message is read by the non-streaming Messages parser (id, model, stop reason,
 * tool names, usage), so batch results follow exactly the usage rules of {@code POST /v1/messages}.
 * An errored line's error response has the usual Anthropic error shape. The documentation says the
 * results path should be taken from the batch's {@code results_url} rather than assumed; on {@code
 * api.anthropic.com} it is the path above.
 *
 * <p>Malformed input never throws: a line that is not one JSON object, lacks a string {@code
 * custom_id}, lacks {@code result.type}, or is a succeeded result without a message is reported as
 * a {@link Problem} with its 1-based line number, and the other lines are still read. Blank lines
 * are skipped.
 */
public final class BatchResultsParser {
  private static final String PREFIX = "/v1/messages/batches/";
  private static final String SUFFIX = "/results";
  private static final AnthropicMessagesParser MESSAGES = new AnthropicMessagesParser();
  private static final ObjectReader LINE_READER =
      Json.MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** How one batched request ended ({@code result.type}). */
  public enum ResultType {
    SUCCEEDED,
    ERRORED,
    CANCELED,
    EXPIRED,
    /** A type this parser does not know; its name is kept in the facts' error type. */
    UNKNOWN
  }

  /**
   * One result line.
   *
   * @param lineNumber 1-based line number in the body
   * @param customId the {@code custom_id} the client gave the batched request
   * @param type how the request ended
   * @param facts for SUCCEEDED the message's facts (message id, served model, stop reason, tool
   *     names, usage); otherwise the error type ({@code result.error.error.type}, or {@code
   *     canceled}, {@code expired}, the unknown type's name) and message
   * @param bytes the line's length in bytes (after content decoding, without its line end)
   */
  public record Result(
      int lineNumber, String customId, ResultType type, CallFacts facts, int bytes) {}

  /**
   * A line that could not be read.
   *
   * @param lineNumber 1-based line number in the body
   * @param reason what is wrong with it
   */
  public record Problem(int lineNumber, String reason) {
    @Override
    public String toString() {
      return "line " + lineNumber + ": " + reason;
    }
  }

  /** What a results body held: the readable lines and the problems, each in body order. */
  public record Parsed(List<Result> results, List<Problem> problems) {
    /** True when the body had neither a result nor a problem (empty or blank lines only). */
    public boolean isEmpty() {
      return results.isEmpty() && problems.isEmpty();
    }
  }

  private BatchResultsParser() {}

  /**
   * The Message Batch id when a request is a results download, else null.
   *
   * @param host the request host; only {@code anthropic.com} and its subdomains qualify
   * @param method the HTTP method; only GET downloads results
   * @param path the origin-form path; a query string and a trailing slash are allowed
   */
  public static String batchIdOfResultsDownload(String host, String method, String path) {
    String h = host == null ? "" : host.toLowerCase(Locale.ROOT);
    if (!(h.equals("anthropic.com") || h.endsWith(".anthropic.com"))
        || !"GET".equalsIgnoreCase(method)) {
      return null;
    }
    String p = ProviderParsers.pathOnly(path);
    if (!p.startsWith(PREFIX) || !p.endsWith(SUFFIX)) {
      return null;
    }
    String id = p.substring(PREFIX.length(), p.length() - SUFFIX.length());
    return id.isEmpty() || id.indexOf('/') >= 0 ? null : id;
  }

  /**
   * Parses a decoded results body.
   *
   * @param body the response body after content decoding (UTF-8 JSON lines, LF or CRLF)
   */
  public static Parsed parse(byte[] body) {
    List<Result> results = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    int lineNumber = 0;
    int start = 0;
    while (start < body.length) {
      int end = start;
      while (end < body.length && body[end] != '\n') {
        end++;
      }
      lineNumber++;
      int length = end - start;
      if (length > 0 && body[end - 1] == '\r') {
        length--;
      }
      if (!isBlank(body, start, length)) {
        readLine(body, start, length, lineNumber, results, problems);
      }
      start = end + 1;
    }
    return new Parsed(List.copyOf(results), List.copyOf(problems));
  }

  private static void readLine(
      byte[] body,
      int offset,
      int length,
      int lineNumber,
      List<Result> results,
      List<Problem> problems) {
    JsonNode line;
    try {
      line = LINE_READER.readTree(body, offset, length);
    } catch (JsonProcessingException e) {
      problems.add(new Problem(lineNumber, "not JSON: " + firstLine(e.getOriginalMessage())));
      return;
    } catch (IOException e) {
      problems.add(new Problem(lineNumber, "not JSON: " + firstLine(e.getMessage())));
      return;
    }
    if (line == null || !line.isObject()) {
      problems.add(new Problem(lineNumber, "not a JSON object"));
      return;
    }
    String customId = Json.text(line, "custom_id");
    if (customId == null || !line.get("custom_id").isTextual()) {
      problems.add(new Problem(lineNumber, "no custom_id"));
      return;
    }
    JsonNode result = line.get("result");
    String type = Json.text(result, "type");
    if (type == null) {
      problems.add(new Problem(lineNumber, "no result.type (custom_id " + customId + ")"));
      return;
    }
    CallFacts facts = new CallFacts();
    ResultType resultType;
    switch (type) {
      case "succeeded" -> {
        JsonNode message = result.get("message");
        if (message == null || !message.isObject()) {
          problems.add(
              new Problem(
                  lineNumber, "succeeded result without message (custom_id " + customId + ")"));
          return;
        }
        MESSAGES.onResponseBody(message, 200, facts);
        resultType = ResultType.SUCCEEDED;
      }
      case "errored" -> {
        JsonNode error = result.get("error");
        if (error == null || !error.isObject() || !ErrorBodies.read(error, facts)) {
          facts.errorType = "errored";
        }
        resultType = ResultType.ERRORED;
      }
      case "canceled" -> {
        facts.errorType = "canceled";
        resultType = ResultType.CANCELED;
      }
      case "expired" -> {
        facts.errorType = "expired";
        resultType = ResultType.EXPIRED;
      }
      default -> {
        facts.errorType = type;
        resultType = ResultType.UNKNOWN;
      }
    }
    results.add(new Result(lineNumber, customId, resultType, facts, length));
  }

  private static boolean isBlank(byte[] body, int offset, int length) {
    for (int i = offset; i < offset + length; i++) {
      byte b = body[i];
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
