package dev.tapwire.processor.sse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Cases from the WHATWG HTML standard, 9.2.6 "Interpreting an event stream", in the style of
 * OkHttp's ServerSentEventIteratorTest: each test consumes every event and asserts none is left.
 */
class SseParserTest {
  private final Deque<SseEvent> events = new ArrayDeque<>();
  private final SseParser parser = new SseParser(events::add);

  @AfterEach
  void nothingUnexpectedIsLeftOver() {
    assertThat(events).isEmpty();
  }

  private void consume(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    parser.feed(bytes, 0, bytes.length);
  }

  private void assertEvent(String type, String data, String id) {
    assertThat(events.poll()).isEqualTo(new SseEvent(type, data, id));
  }

  @Test
  void multiline() {
    consume("data: YHOO\ndata: +2\ndata: 10\n\n");
    assertEvent("message", "YHOO\n+2\n10", "");
  }

  @Test
  void multilineCr() {
    consume("data: YHOO\rdata: +2\rdata: 10\r\r");
    assertEvent("message", "YHOO\n+2\n10", "");
  }

  @Test
  void multilineCrLf() {
    consume("data: YHOO\r\ndata: +2\r\ndata: 10\r\n\r\n");
    assertEvent("message", "YHOO\n+2\n10", "");
  }

  @Test
  void crLfSplitAcrossFeedsIsOneLineEnd() {
    consume("data: a\r");
    consume("\ndata: b\r");
    consume("\n\r");
    consume("\n");
    assertEvent("message", "a\nb", "");
  }

  @Test
  void eventType() {
    consume(
        "event: add\ndata: 73857293\n\nevent: remove\ndata: 2153\n\nevent: add\ndata: 113411\n\n");
    assertEvent("add", "73857293", "");
    assertEvent("remove", "2153", "");
    assertEvent("add", "113411", "");
  }

  @Test
  void commentsIgnored() {
    consume(": test stream\n\ndata: first event\nid: 1\n\n");
    assertEvent("message", "first event", "1");
  }

  @Test
  void idCleared() {
    consume("data: first event\nid: 1\n\ndata:second event\nid\n\ndata:  third event\n\n");
    assertEvent("message", "first event", "1");
    assertEvent("message", "second event", "");
    assertEvent("message", " third event", "");
  }

  @Test
  void idPersistsAcrossEvents() {
    consume("id: 7\ndata: a\n\ndata: b\n\n");
    assertEvent("message", "a", "7");
    assertEvent("message", "b", "7");
  }

  @Test
  void idContainingNulIsIgnored() {
    consume("id: 1\ndata: a\n\nid: 2\u00003\ndata: b\n\n");
    assertEvent("message", "a", "1");
    assertEvent("message", "b", "1");
  }

  @Test
  void emptyDataDispatchesEmptyString() {
    consume("data\n\ndata\ndata\n\ndata:\n\n");
    assertEvent("message", "", "");
    assertEvent("message", "\n", "");
    assertEvent("message", "", "");
  }

  @Test
  void eventWithoutDataIsNotDispatchedAndResetsType() {
    consume("event: ping\n\ndata: x\n\n");
    assertEvent("message", "x", "");
  }

  @Test
  void leadingSpaceStrippedOnlyOnce() {
    consume("data:test\n\ndata: test\n\ndata:  test\n\n");
    assertEvent("message", "test", "");
    assertEvent("message", "test", "");
    assertEvent("message", " test", "");
  }

  @Test
  void fieldWithoutColonHasEmptyValue() {
    consume("event\ndata\n\n");
    assertEvent("message", "", "");
  }

  @Test
  void unknownFieldIgnored() {
    consume("data: a\nfoo: bar\n\n");
    assertEvent("message", "a", "");
  }

  @Test
  void unknownEventTypeKept() {
    consume("event: brand_new_event\ndata: {}\n\n");
    assertEvent("brand_new_event", "{}", "");
  }

  @Test
  void retryAcceptsOnlyDigits() {
    consume("retry: 22\n\n");
    assertThat(parser.retryMillis()).isEqualTo(22);
    consume("retry: 10x\n\nretry: -1\n\n");
    assertThat(parser.retryMillis()).isEqualTo(22);
  }

  @Test
  void leadingBomSkippedOnce() {
    consume("\uFEFFdata: a\n\n\uFEFFdata: b\n\n");
    assertEvent("message", "a", "");
    // a second BOM is content: the field name becomes "\uFEFFdata", an unknown field
  }

  @Test
  void bomSplitAcrossFeeds() {
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    parser.feed(bom, 0, 1);
    parser.feed(bom, 1, 2);
    consume("data: a\n\n");
    assertEvent("message", "a", "");
  }

  @Test
  void multiByteCharacterSplitAcrossFeeds() {
    byte[] bytes = "data: é€\n\n".getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i++) {
      parser.feed(bytes, i, 1);
    }
    assertEvent("message", "é€", "");
  }

  @Test
  void unterminatedEventDiscardedAtEndOfStream() {
    consume("data: a\n\ndata: b\n");
    parser.finish();
    assertEvent("message", "a", "");
  }

  @Test
  void anthropicStreamFrames() {
    consume(
        "event: message_start\ndata: {\"type\":\"message_start\"}\n\n"
            + "event: ping\ndata: {\"type\": \"ping\"}\n\n");
    assertEvent("message_start", "{\"type\":\"message_start\"}", "");
    assertEvent("ping", "{\"type\": \"ping\"}", "");
  }

  @Test
  void feedingOneByteAtATimeGivesTheSameEventsAsOneFeed() {
    String stream =
        "\uFEFFevent: message_start\r\ndata: {\"a\":\"h\u00e9llo \u20ac \uD83D\uDE00\"}\r\n\r\n"
            + ": comment\nid: 7\ndata\ndata:  two spaces\rdata:x:y\r\r"
            + "event: ping\ndata: {}\n\n";
    List<SseEvent> whole = SseParser.parseAll(stream);
    byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i++) {
      parser.feed(bytes, i, 1);
    }
    parser.finish();
    assertThat(whole).hasSize(3);
    assertThat(whole.get(1)).isEqualTo(new SseEvent("message", "\n two spaces\nx:y", "7"));
    assertThat(new ArrayList<>(events)).isEqualTo(whole);
    events.clear();
  }

  @Test
  void malformedUtf8IsReplacedAsWhenTheLineIsDecodedWhole() {
    byte[] line1 = {'d', 'a', 't', 'a', ':', ' ', 'a', (byte) 0xE2, (byte) 0x82, '\n'};
    byte[] line2 = {'d', 'a', 't', 'a', ':', (byte) 0xC3, '\n', '\n'};
    parser.feed(line1, 0, line1.length);
    parser.feed(line2, 0, line2.length);
    String expected =
        new String(line1, 6, 3, StandardCharsets.UTF_8)
            + "\n"
            + new String(line2, 5, 1, StandardCharsets.UTF_8);
    assertThat(expected).startsWith("a\uFFFD").endsWith("\n\uFFFD");
    assertEvent("message", expected, "");
  }
}
