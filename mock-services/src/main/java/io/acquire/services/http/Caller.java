package io.acquire.services.http;

import io.acquire.client.wire.SessionClaims;
import java.time.Instant;
import java.util.Arrays;

/**
 * Who signed a request, as proven by its session certificate and signature.
 *
 * @param nonce and {@code signedAt}: the request's nonce and signing time (epoch seconds),
 *     claimed once by {@link RequestVerifier} or, for the ledger's changes, by the ledger
 */
public record Caller(String username, String sessionId, String scope, Instant expiresAt, String nonce, long signedAt) {
  /** A person's own session, as opposed to a job's credential for named drives. */
  public boolean hasUserScope() {
    return SessionClaims.SCOPE_USER.equals(scope);
  }

  /** Whether this session's scope grants {@code drive:<id>:read} (or write, which includes it) or write. */
  public boolean mayAccessDrive(String driveId, boolean write) {
    String writeScope = "drive:" + driveId + ":write";
    String readScope = "drive:" + driveId + ":read";
    return Arrays.stream(scope.split(" ")).anyMatch(s -> s.equals(writeScope) || (!write && s.equals(readScope)));
  }
}
