package dev.tapwire.processor.sse;

/**
 * One dispatched Server-Sent Event, as defined by the WHATWG HTML standard, section 9.2.6
 * ("Interpreting an event stream").
 *
 * @param type the event type: the last {@code event} field of the event, or {@code "message"} when
 *     there was none
 * @param data the data buffer: all {@code data} fields joined with {@code \n}
 * @param lastEventId the last event id at dispatch time (it persists across events), or {@code ""}
 */
public record SseEvent(String type, String data, String lastEventId) {}
