package io.acquire.services.http;

import io.acquire.client.wire.SessionCertificate;
import io.acquire.client.wire.SessionClaims;
import io.acquire.client.wire.VerifyingKey;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Certificates whose issuer signature this process has already checked, with their claims
 * and session key parsed once. A session sends the same certificate with every request;
 * the request's own signature is still checked every time.
 *
 * <p>An entry is used only under the exact token and while the issuer key that checked it
 * is still one its issuer is trusted with (a key retired after a rotation stops counting
 * when its grace ends), so a cached answer is the answer a fresh check would give; expiry
 * and revocation are the caller's to check on every request. When full, the cache starts
 * again empty.
 */
final class CertificateCache {
  private static final int MAX_ENTRIES = 10_000;

  /** A checked certificate: its claims, the issuer key that signed it, and the session key it names. */
  record Verified(SessionClaims claims, VerifyingKey issuerKey, VerifyingKey sessionKey) {}

  private final Map<String, Verified> verified = new ConcurrentHashMap<>();

  /**
   * The certificate, checked against the keys {@code issuerKeysOf} gives for its issuer
   * (which throws for an issuer it does not trust); otherwise {@link IllegalArgumentException},
   * as {@link SessionCertificate#verify}, also for a malformed session key.
   */
  Verified verify(String token, Function<String, List<VerifyingKey>> issuerKeysOf) {
    Verified known = token == null ? null : verified.get(token);
    if (known != null && issuerKeysOf.apply(known.claims().issuer()).contains(known.issuerKey())) {
      return known;
    }
    List<VerifyingKey> keys = issuerKeysOf.apply(SessionCertificate.parseUnverified(token).claims().issuer());
    IllegalArgumentException refused = new IllegalArgumentException("certificate signature is not its issuer's");
    for (VerifyingKey issuerKey : keys) {
      SessionClaims claims;
      try {
        claims = SessionCertificate.verify(token, issuerKey).claims();
      } catch (IllegalArgumentException e) {
        refused = e;
        continue;
      }
      Verified fresh = new Verified(claims, issuerKey, claims.verifyingKey());
      if (verified.size() >= MAX_ENTRIES) {
        verified.clear();
      }
      verified.put(token, fresh);
      return fresh;
    }
    throw refused;
  }
}
