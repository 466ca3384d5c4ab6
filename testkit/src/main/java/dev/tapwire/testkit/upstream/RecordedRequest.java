package dev.tapwire.testkit.upstream;

import java.util.List;
import java.util.Map;

/**
 * What the fake upstream received and answered for one request, for comparing both sides of the
 * proxy.
 *
 * @param method request method
 * @param pathAndQuery origin-form target
 * @param headers request headers (names lower-cased by the JDK server, values in order)
 * @param bodySha256 lower-case hex SHA-256 of the request body as received
 * @param bodyBytes request body length in bytes
 * @param status response status sent
 * @param responseSha256 lower-case hex SHA-256 of the response body bytes written (complete or not)
 * @param responseBytes response body bytes written
 */
public record RecordedRequest(
    String method,
    String pathAndQuery,
    Map<String, List<String>> headers,
    String bodySha256,
    long bodyBytes,
    int status,
    String responseSha256,
    long responseBytes) {

  /** First value of a header (case-insensitive name), or null. */
  public String header(String name) {
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
        return e.getValue().get(0);
      }
    }
    return null;
  }
}
