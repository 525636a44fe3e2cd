package io.acquire.services.http;

import java.time.Instant;

/** Who signed a request, as proven by its session certificate and signature. */
public record Caller(String username, String sessionId, String scope, Instant expiresAt) {
  public boolean hasUserScope() {
    return io.acquire.client.wire.SessionClaims.SCOPE_USER.equals(scope);
  }
}
