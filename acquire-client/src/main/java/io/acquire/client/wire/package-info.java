/**
 * Wire types shared by the client and the reference backend: JSON shapes, the session
 * certificate, the request-signing canonical form and the Ed25519 keys behind them.
 *
 * <p>The backend depends on these; they never depend on the backend. Changing a shape
 * here changes the protocol documented in {@code docs/protocol.md}.
 */
package io.acquire.client.wire;
