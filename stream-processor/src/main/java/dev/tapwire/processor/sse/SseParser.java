package dev.tapwire.processor.sse;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
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
 * <p>Lines are split on bytes and interpreted as bytes once complete: field names are compared as
 * ASCII, and only values are decoded as UTF-8 ({@code data} values once per event, when it is
 * dispatched), so multi-byte characters split across {@code feed} calls are handled. A line that
 * lies within one {@code feed} call is read in place, without a copy. Not thread-safe; one instance
 * per stream.
 */
public final class SseParser {
  private static final int CR = '\r';
  private static final int LF = '\n';

  private final Consumer<SseEvent> listener;

  /** The start of a line not yet ended, carried over from earlier {@link #feed} calls. */
  private byte[] line = new byte[256];

  private int lineLength;

  /** The data buffer as UTF-8: the {@code data} values, each followed by LF. */
  private byte[] data = new byte[1024];

  private int dataLength;
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
        if (lineLength == 0) {
          processLine(bytes, lineStart, i - lineStart); // the whole line is in this feed
        } else {
          appendToLine(bytes, lineStart, i - lineStart);
          processLine(line, 0, lineLength);
          lineLength = 0;
        }
        lastWasCr = b == CR;
        lineStart = i + 1;
      }
    }
    appendToLine(bytes, lineStart, end - lineStart);
  }

  /** Marks the end of the stream: a pending, unterminated event is discarded (WHATWG 9.2.6). */
  public void finish() {
    lineLength = 0;
    dataLength = 0;
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
          byte[] replay = Arrays.copyOf(BOM, bomBytesMatched);
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

  private void appendToLine(byte[] bytes, int offset, int length) {
    if (length == 0) {
      return;
    }
    if (lineLength + length > line.length) {
      line = Arrays.copyOf(line, Math.max(line.length * 2, lineLength + length));
    }
    System.arraycopy(bytes, offset, line, lineLength, length);
    lineLength += length;
  }

  /**
   * Interprets one line (without its end). Works on the bytes: the field name is compared as ASCII
   * and only the value is decoded, which gives the same strings as decoding the whole line first,
   * because the colon, the space and LF are ASCII and UTF-8 decoding never joins an ASCII byte to a
   * neighbouring sequence (a malformed sequence ends before it).
   */
  private void processLine(byte[] bytes, int offset, int length) {
    if (length == 0) {
      dispatch();
      return;
    }
    if (bytes[offset] == ':') {
      return; // comment
    }
    int end = offset + length;
    int colon = offset;
    while (colon < end && bytes[colon] != ':') {
      colon++;
    }
    int fieldLength = colon - offset;
    int valueStart = colon < end ? colon + 1 : end;
    if (valueStart < end && bytes[valueStart] == ' ') {
      valueStart++;
    }
    if (is(bytes, offset, fieldLength, DATA)) {
      appendData(bytes, valueStart, end - valueStart);
      dataSeen = true;
    } else if (is(bytes, offset, fieldLength, EVENT)) {
      eventType = new String(bytes, valueStart, end - valueStart, StandardCharsets.UTF_8);
    } else if (is(bytes, offset, fieldLength, ID)) {
      String value = new String(bytes, valueStart, end - valueStart, StandardCharsets.UTF_8);
      if (value.indexOf('\0') < 0) {
        lastEventId = value;
      }
    } else if (is(bytes, offset, fieldLength, RETRY)) {
      String value = new String(bytes, valueStart, end - valueStart, StandardCharsets.UTF_8);
      if (!value.isEmpty() && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
        try {
          retryMillis = Long.parseLong(value);
        } catch (NumberFormatException tooLong) {
          // WHATWG: a value that is not a valid integer is ignored; digits beyond long range are.
          retryMillis = Long.MAX_VALUE;
        }
      }
    }
    // else an unknown field: ignored (WHATWG 9.2.6)
  }

  private static final byte[] DATA = {'d', 'a', 't', 'a'};
  private static final byte[] EVENT = {'e', 'v', 'e', 'n', 't'};
  private static final byte[] ID = {'i', 'd'};
  private static final byte[] RETRY = {'r', 'e', 't', 'r', 'y'};

  private static boolean is(byte[] bytes, int offset, int length, byte[] name) {
    return length == name.length
        && Arrays.equals(bytes, offset, offset + length, name, 0, name.length);
  }

  private void appendData(byte[] bytes, int offset, int length) {
    if (dataLength + length + 1 > data.length) {
      data = Arrays.copyOf(data, Math.max(data.length * 2, dataLength + length + 1));
    }
    System.arraycopy(bytes, offset, data, dataLength, length);
    dataLength += length;
    data[dataLength++] = LF;
  }

  private void dispatch() {
    if (!dataSeen) {
      eventType = "";
      return;
    }
    String type = eventType.isEmpty() ? "message" : eventType;
    // without the last LF
    SseEvent event =
        new SseEvent(
            type, new String(data, 0, dataLength - 1, StandardCharsets.UTF_8), lastEventId);
    dataLength = 0;
    dataSeen = false;
    eventType = "";
    listener.accept(event);
  }
}
