package dev.tapwire.processor.sse;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * An incremental Server-Sent Events parser following the WHATWG HTML standard, section 9.2.6
 * ("Interpreting an event stream"): lines end with CR, LF or CRLF (also when the CRLF is split
 * across two {@link #feed} calls); a leading UTF-8 BOM is skipped once; lines starting with a colon
 * are comments; a line without a colon is a field name with an empty value; one space after the
 * colon is stripped; {@code data} lines are joined with LF; {@code event} sets the type; {@code id}
 * sets the last event id unless it contains NUL; {@code retry} is accepted only when all ASCII
 * digits; unknown fields are ignored; a blank line dispatches the event unless the data buffer is
 * empty; an event that is not terminated by a blank line at {@link #finish()} is discarded, as the
 * standard demands.
 *
 * <p>Lines are split on bytes and each complete line is decoded as UTF-8, so multi-byte characters
 * split across {@code feed} calls are handled. Not thread-safe; one instance per stream.
 */
public final class SseParser {
  private static final int CR = '\r';
  private static final int LF = '\n';

  private final Consumer<SseEvent> listener;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
  private final StringBuilder data = new StringBuilder();
  private String eventType = "";
  private String lastEventId = "";
  private long retryMillis = -1;
  private boolean dataSeen;
  private boolean lastWasCr;
  private boolean bomChecked;
  private int bomBytesMatched;

  /**
   * @param listener receives every dispatched event, synchronously from {@link #feed}
   */
  public SseParser(Consumer<SseEvent> listener) {
    this.listener = listener;
  }

  /** Parses a complete stream and returns its events. */
  public static List<SseEvent> parseAll(String stream) {
    List<SseEvent> events = new ArrayList<>();
    SseParser parser = new SseParser(events::add);
    byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
    parser.feed(bytes, 0, bytes.length);
    parser.finish();
    return events;
  }

  /**
   * Feeds the next bytes of the stream; events completed by these bytes are dispatched to the
   * listener before this method returns.
   */
  public void feed(byte[] bytes, int offset, int length) {
    int end = offset + length;
    int i = offset;
    if (!bomChecked) {
      i = skipBom(bytes, i, end);
      if (!bomChecked) {
        return;
      }
    }
    int lineStart = i;
    for (; i < end; i++) {
      int b = bytes[i];
      if (b == LF && lastWasCr) {
        lastWasCr = false;
        lineStart = i + 1;
        continue;
      }
      lastWasCr = false;
      if (b == CR || b == LF) {
        line.write(bytes, lineStart, i - lineStart);
        processLine();
        lastWasCr = b == CR;
        lineStart = i + 1;
      }
    }
    line.write(bytes, lineStart, end - lineStart);
  }

  /** Marks the end of the stream: a pending, unterminated event is discarded (WHATWG 9.2.6). */
  public void finish() {
    line.reset();
    data.setLength(0);
    dataSeen = false;
    eventType = "";
  }

  /** The last {@code retry} value in milliseconds, or -1 when none was valid. */
  public long retryMillis() {
    return retryMillis;
  }

  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  private int skipBom(byte[] bytes, int i, int end) {
    while (i < end && bomBytesMatched < BOM.length) {
      if (bytes[i] != BOM[bomBytesMatched]) {
        // Not a BOM: replay the bytes matched so far as ordinary content.
        bomChecked = true;
        if (bomBytesMatched > 0) {
          byte[] replay = java.util.Arrays.copyOf(BOM, bomBytesMatched);
          bomBytesMatched = 0;
          feed(replay, 0, replay.length);
        }
        return i;
      }
      bomBytesMatched++;
      i++;
    }
    if (bomBytesMatched == BOM.length) {
      bomChecked = true;
    }
    return i;
  }

  private void processLine() {
    String text = line.toString(StandardCharsets.UTF_8);
    line.reset();
    if (text.isEmpty()) {
      dispatch();
      return;
    }
    if (text.charAt(0) == ':') {
      return; // comment
    }
    int colon = text.indexOf(':');
    String field;
    String value;
    if (colon < 0) {
      field = text;
      value = "";
    } else {
      field = text.substring(0, colon);
      int valueStart = colon + 1;
      if (valueStart < text.length() && text.charAt(valueStart) == ' ') {
        valueStart++;
      }
      value = text.substring(valueStart);
    }
    switch (field) {
      case "event" -> eventType = value;
      case "data" -> {
        data.append(value).append('\n');
        dataSeen = true;
      }
      case "id" -> {
        if (value.indexOf('\0') < 0) {
          lastEventId = value;
        }
      }
      case "retry" -> {
        if (!value.isEmpty() && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
          try {
            retryMillis = Long.parseLong(value);
          } catch (NumberFormatException tooLong) {
            // WHATWG: a value that is not a valid integer is ignored; digits beyond long range are.
            retryMillis = Long.MAX_VALUE;
          }
        }
      }
      default -> {
        // unknown field: ignored (WHATWG 9.2.6)
      }
    }
  }

  private void dispatch() {
    if (!dataSeen) {
      eventType = "";
      return;
    }
    data.setLength(data.length() - 1); // remove the last LF
    String type = eventType.isEmpty() ? "message" : eventType;
    SseEvent event = new SseEvent(type, data.toString(), lastEventId);
    data.setLength(0);
    dataSeen = false;
    eventType = "";
    listener.accept(event);
  }
}
