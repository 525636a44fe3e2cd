package io.acquire.services.http;

import io.acquire.client.wire.SessionCertificate;
import io.acquire.client.wire.SessionClaims;
import io.acquire.client.wire.VerifyingKey;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Certificates whose issuer signature this process has already checked. A session sends
 * the same certificate with every request, and an Ed25519 verification costs about as much
 * as the rest of a small request; the request's own signature is still checked every time.
 *
 * <p>Only the signature check is remembered, under the exact token and issuer key, so a
 * cached answer is the answer a fresh check would give; expiry and revocation are the
 * caller's to check on every request, as before. When full, the cache starts again empty.
 */
final class CertificateCache {
  private static final int MAX_ENTRIES = 10_000;

  private record Verified(VerifyingKey issuer, SessionClaims claims) {}

  private final Map<String, Verified> verified = new ConcurrentHashMap<>();

  /** The certificate's claims if {@code issuer} signed it; else {@link IllegalArgumentException}, as {@link SessionCertificate#verify}. */
  SessionClaims verify(String token, VerifyingKey issuer) {
    Verified known = token == null ? null : verified.get(token);
    if (known != null && known.issuer().equals(issuer)) {
      return known.claims();
    }
    SessionClaims claims = SessionCertificate.verify(token, issuer).claims();
    if (verified.size() >= MAX_ENTRIES) {
      verified.clear();
    }
    verified.put(token, new Verified(issuer, claims));
    return claims;
  }
}
