package io.acquire.client.wire;

import java.time.Instant;
import java.util.Objects;

/**
 * What a session certificate asserts: identity service {@code issuer} binds {@code user}
 * to the session public key {@code sessionKey} (base64url Ed25519) for {@code scope}
 * until {@code expiresAt}.
 *
 * @param scope {@code "user"} for a person's full session; narrower scopes (such as a
 *     job's write access to one drive) are named {@code kind:detail}
 */
public record SessionClaims(
    String issuer,
    String user,
    String sessionId,
    String sessionKey,
    String scope,
    Instant issuedAt,
    Instant expiresAt) {

  public static final String SCOPE_USER = "user";

  public SessionClaims {
    Objects.requireNonNull(issuer, "issuer == null");
    Objects.requireNonNull(user, "user == null");
    Objects.requireNonNull(sessionId, "sessionId == null");
    Objects.requireNonNull(sessionKey, "sessionKey == null");
    Objects.requireNonNull(scope, "scope == null");
    Objects.requireNonNull(issuedAt, "issuedAt == null");
    Objects.requireNonNull(expiresAt, "expiresAt == null");
  }

  public VerifyingKey verifyingKey() {
    return VerifyingKey.fromBase64Url(sessionKey);
  }
}
