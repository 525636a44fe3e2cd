package io.acquire.client.wire;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A session certificate in its wire form, {@code base64url(claims JSON) "." base64url(signature)},
 * where the issuer's Ed25519 signature covers the ASCII bytes of the first part. Signing
 * the encoded bytes (as JWS does) means no JSON canonicalisation is needed.
 *
 * <p>The certificate is not a secret on its own: it is useless without the session's
 * private key, which signs every request that carries it.
 */
public final class SessionCertificate {
  private final String token;
  private final SessionClaims claims;

  private SessionCertificate(String token, SessionClaims claims) {
    this.token = token;
    this.claims = claims;
  }

  /** Issues a certificate for {@code claims}, signed by the issuing service's key (identity's, or compute's for a job). */
  public static SessionCertificate issue(SessionClaims claims, SigningKey issuerKey) {
    Objects.requireNonNull(claims, "claims == null");
    String body = Base64Url.encode(Json.write(claims));
    String signature = Base64Url.encode(issuerKey.sign(body.getBytes(StandardCharsets.US_ASCII)));
    return new SessionCertificate(body + "." + signature, claims);
  }

  /**
   * Parses a certificate and checks the issuer's signature.
   *
   * @throws IllegalArgumentException saying what is wrong if the token is malformed or
   *     its signature is not {@code issuerKey}'s. Expiry and revocation are the caller's
   *     to check, against its own clock and store.
   */
  public static SessionCertificate verify(String token, VerifyingKey issuerKey) {
    SessionCertificate certificate = parseUnverified(token);
    int dot = token.indexOf('.');
    byte[] signature = Base64Url.decode(token.substring(dot + 1));
    if (!issuerKey.verify(signature, token.substring(0, dot).getBytes(StandardCharsets.US_ASCII))) {
      throw new IllegalArgumentException("certificate signature is not its issuer's");
    }
    return certificate;
  }

  /** Parses without checking the signature: only for a client reading its own certificate. */
  public static SessionCertificate parseUnverified(String token) {
    if (token == null || token.isEmpty()) {
      throw new IllegalArgumentException("certificate is missing");
    }
    if (token.length() > 8192) {
      throw new IllegalArgumentException("certificate is too long");
    }
    int dot = token.indexOf('.');
    if (dot <= 0 || dot != token.lastIndexOf('.') || dot == token.length() - 1) {
      throw new IllegalArgumentException("certificate must be two base64url parts joined by '.'");
    }
    SessionClaims claims;
    try {
      claims = Json.read(Base64Url.decode(token.substring(0, dot)), SessionClaims.class);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("certificate claims are not valid JSON claims");
    }
    if (claims == null) {
      throw new IllegalArgumentException("certificate claims are empty");
    }
    return new SessionCertificate(token, claims);
  }

  public SessionClaims claims() {
    return claims;
  }

  public String token() {
    return token;
  }

  @Override
  public String toString() {
    return "SessionCertificate[user=" + claims.user() + ", session=" + claims.sessionId()
        + ", scope=" + claims.scope() + ", expiresAt=" + claims.expiresAt() + "]";
  }
}
