package dev.tapwire.proxy.server;

/**
 * Lifecycle of one client connection, as seen by {@link ClientToProxyHandler} (after LittleProxy's
 * {@code ConnectionState}). Transitions:
 *
 * <pre>
 * AWAITING_REQUEST ─request─▶ CONNECTING_UPSTREAM ─ready─▶ RELAYING_REQUEST ─last content─▶ AWAITING_RESPONSE
 *        ▲                                                                                     │
 *        └───────────────── response complete, keep-alive ◀── RELAYING_RESPONSE ◀──head────────┘
 * AWAITING_REQUEST ─CONNECT (allow-listed)─▶ MITM_HANDSHAKE ─client TLS done─▶ AWAITING_REQUEST
 * AWAITING_REQUEST ─CONNECT (other host)─▶ TUNNELING      ─101 Switching Protocols─▶ UPGRADED
 * any ─error, close─▶ DISCONNECTED
 * </pre>
 */
public enum ConnectionState {
  /** Waiting for the next request head from the client (reading). */
  AWAITING_REQUEST,
  /** A request arrived; the upstream connection (TCP, then TLS) is being set up. */
  CONNECTING_UPSTREAM,
  /** The request body is being relayed clientToProxyRequest → proxyToServerRequest. */
  RELAYING_REQUEST,
  /** The request is complete; waiting for the response head (client reads paused). */
  AWAITING_RESPONSE,
  /** The response is being relayed serverToProxyResponse → proxyToClientResponse. */
  RELAYING_RESPONSE,
  /** 200 sent to an allow-listed CONNECT; the client-side TLS handshake is in progress. */
  MITM_HANDSHAKE,
  /** A blind byte tunnel (never decrypted); the HTTP codec is gone. */
  TUNNELING,
  /** The exchange switched protocols (WebSocket); bytes are relayed raw both ways. */
  UPGRADED,
  /** Closed or closing; nothing more is read. */
  DISCONNECTED
}
