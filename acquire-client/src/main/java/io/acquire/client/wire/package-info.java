/**
 * Internal: the protocol's records, shared by the client and the reference backend: JSON
 * shapes, the session certificate, the request-signing canonical form and the Ed25519 keys
 * behind them. Not part of the SDK's API: they change with the protocol, without notice.
 * The SDK maps them to the public types of {@code io.acquire.client} ({@code FileVersion},
 * {@code AccountSummary}, {@code StatementLine}, {@code Receipt}, {@code PriceList}…), which
 * are what applications use.
 *
 * <p>The backend depends on these; they never depend on the backend. Changing a shape
 * here changes the protocol documented in {@code docs/protocol.md}.
 */
package io.acquire.client.wire;
