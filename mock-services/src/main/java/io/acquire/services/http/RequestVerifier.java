package io.acquire.services.http;

import io.acquire.client.wire.Base64Url;
import io.acquire.client.wire.RequestSignature;
import io.acquire.client.wire.SessionCertificate;
import io.acquire.client.wire.SessionClaims;
import io.acquire.client.wire.VerifyingKey;
import io.acquire.services.store.ObjectStore;
import io.javalin.http.Context;
import io.javalin.http.servlet.MaxRequestSize;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Checks that a request was signed by the holder of a live session, without calling
 * identity: the certificate carries identity's signature, the store carries revocations
 * and used nonces. Every refusal is a 401 whose message gives the reason.
 *
 * <p>Two issuers are trusted: identity, for people's sessions of any scope, and compute,
 * for the narrow credentials it gives a running job ({@link #JOB_SCOPE}: access to named
 * drives only), so that a compute key can never stand in for a person.
 *
 * <p>The checks run cheapest and least stateful first, and a nonce is claimed only once
 * the signature is proven, so forged requests cannot fill the store.
 */
public final class RequestVerifier {
  /** How far a request's timestamp may be from the service's clock, either way. */
  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(5);
  /** How long after a revocation another process sharing the store may still accept the session. */
  public static final Duration REVOCATION_BOUND = RevocationCache.LIVE_FOR;
  private static final Pattern NONCE = Pattern.compile("[A-Za-z0-9_-]{16,128}");
  private static final String BODY_SHA256 = "acquire.bodySha256";
  /** What compute may grant: space-separated {@code drive:<id>:read} or {@code drive:<id>:write}. */
  public static final Pattern JOB_SCOPE = Pattern.compile("drive:[A-Za-z0-9_-]{1,64}:(read|write)"
      + "( drive:[A-Za-z0-9_-]{1,64}:(read|write)){0,15}");
  private static final String BINARY_BODY = "acquire.binaryBody";
  /** Set on a body whose SHA-256 was declared ahead of it, until the body has been read and matched. */
  private static final String UNREAD_BODY = "acquire.unreadBody";
  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
  private static final String BINARY = "application/octet-stream";

  private final ObjectStore store;
  private final Clock clock;
  private final TrustedKeys issuerKeys;
  private final Duration window;
  private final CertificateCache certificates = new CertificateCache();
  private final RevocationCache revocations = new RevocationCache();

  /**
   * @param issuerKeys the registry's keys of the trusted issuers ({@code identity} and
   *     {@code compute}): during a rotation's grace both the new and the old key count
   */
  public RequestVerifier(ObjectStore store, Clock clock, TrustedKeys issuerKeys, Duration window) {
    this.store = store;
    this.clock = clock;
    this.issuerKeys = issuerKeys;
    this.window = window;
  }

  /** {@link #authenticate} and {@link #claimNonce}: what every signed endpoint but the ledger's changes needs. */
  public Duration window() {
    return window;
  }

  public Caller verify(Context ctx) {
    Caller caller = authenticate(ctx);
    claimNonce(caller);
    return caller;
  }

  /**
   * Proves who signed the request, leaving its nonce unclaimed: the caller must see that it
   * is claimed once, before acting, or a replay would act again.
   */
  public Caller authenticate(Context ctx) {
    String token = header(ctx, RequestSignature.CERTIFICATE_HEADER);
    String timestampText = header(ctx, RequestSignature.TIMESTAMP_HEADER);
    String nonce = header(ctx, RequestSignature.NONCE_HEADER);
    String signatureText = header(ctx, RequestSignature.SIGNATURE_HEADER);

    CertificateCache.Verified certificate = trustedCertificate(token);
    SessionClaims claims = certificate.claims();
    Instant now = clock.instant();
    if (!now.isBefore(claims.expiresAt())) {
      throw ApiException.unauthorized("Session expired at " + claims.expiresAt() + ". Log in again.");
    }
    long timestamp;
    try {
      timestamp = Long.parseLong(timestampText);
    } catch (NumberFormatException e) {
      throw ApiException.unauthorized(RequestSignature.TIMESTAMP_HEADER + " must be whole seconds since the epoch.");
    }
    if (Math.abs(now.getEpochSecond() - timestamp) > window.toSeconds()) {
      throw ApiException.unauthorized("Request timestamp is more than " + window.toSeconds()
          + " s from the service's clock; check the client's clock and send a fresh request.");
    }
    if (!NONCE.matcher(nonce).matches()) {
      throw ApiException.unauthorized(RequestSignature.NONCE_HEADER + " must be 16 to 128 base64url characters.");
    }
    byte[] signature;
    try {
      signature = Base64Url.decode(signatureText);
    } catch (IllegalArgumentException e) {
      throw ApiException.unauthorized("Request signature is malformed: " + e.getMessage() + ".");
    }
    VerifyingKey sessionKey = certificate.sessionKey();
    String digest = hashBody(ctx);
    ctx.attribute(BODY_SHA256, digest);
    byte[] canonical = RequestSignature.canonicalForDigest(ctx.method().name(), target(ctx), digest, timestamp, nonce);
    if (!sessionKey.verify(signature, canonical)) {
      throw ApiException.unauthorized(
          "Request signature does not match: the request was changed in transit or signed with another key.");
    }
    if (revocations.isRevoked(claims.sessionId(), id -> store.get(SessionKeys.revoked(id)).isPresent())) {
      throw ApiException.unauthorized("Session has been logged out. Log in again.");
    }
    return new Caller(claims.user(), claims.sessionId(), claims.scope(), claims.expiresAt(), nonce, timestamp);
  }

  /**
   * Revokes a session for good: recorded in the store for every process, and refused by
   * this one from now on; other processes sharing the store refuse it within {@link
   * #REVOCATION_BOUND} (2 s), how long they trust a session they read as live.
   */
  public void revoke(String sessionId, Instant at) {
    store.put(SessionKeys.revoked(sessionId), at.toString().getBytes(StandardCharsets.US_ASCII));
    revocations.revoked(sessionId);
  }

  /** Claims the request's nonce with a conditional put, so it is accepted once across all processes. */
  public void claimNonce(Caller caller) {
    byte[] seenAt = Long.toString(caller.signedAt()).getBytes(StandardCharsets.US_ASCII);
    // Claimed once and deleted only when too old to verify (NonceSweeper): a key putNew may take.
    if (store.putNew(SessionKeys.nonce(caller.sessionId(), caller.nonce()), seenAt).isEmpty()) {
      throw ApiException.unauthorized("Nonce was already used: this request is a replay.");
    }
  }

  private CertificateCache.Verified trustedCertificate(String token) {
    try {
      CertificateCache.Verified certificate;
      try {
        certificate = certificates.verify(token, issuer -> trustedIssuerKeys(issuer, false));
      } catch (IllegalArgumentException e) {
        // Perhaps signed by a key the issuer rotated to since this process last read the registry.
        certificate = certificates.verify(token, issuer -> trustedIssuerKeys(issuer, true));
      }
      SessionClaims claims = certificate.claims();
      if (claims.issuer().equals("compute") && !JOB_SCOPE.matcher(claims.scope()).matches()) {
        throw new IllegalArgumentException("compute may only grant access to drives, not '" + claims.scope() + "'");
      }
      return certificate;
    } catch (IllegalArgumentException e) {
      throw ApiException.unauthorized("Session certificate rejected: " + e.getMessage() + ". Log in again.");
    }
  }

  /** Identity's keys for people's sessions, compute's for jobs' credentials; nobody else is trusted. */
  private List<VerifyingKey> trustedIssuerKeys(String issuer, boolean refreshed) {
    if (!issuer.equals("compute") && !issuer.equals("identity")) {
      throw new IllegalArgumentException("its issuer '" + issuer + "' is not trusted");
    }
    List<VerifyingKey> keys = refreshed ? issuerKeys.refreshedKeysOf(issuer) : issuerKeys.keysOf(issuer);
    if (keys.isEmpty()) {
      throw ApiException.unauthorized(
          "No " + issuer + " service is registered with this backend, so its certificates cannot be checked.");
    }
    return keys;
  }

  /**
   * The SHA-256 (lowercase hex) the request's signature was checked against, so handlers
   * need not hash large bodies again: the body's own, or for a body declared ahead ({@link
   * RequestSignature#CONTENT_SHA256_HEADER}) the declared one, which {@link #body} and
   * {@link #bodyStream} hold the bytes to as they are read.
   */
  public static String bodySha256(Context ctx) {
    String digest = ctx.attribute(BODY_SHA256);
    return digest != null ? digest : RequestSignature.sha256Hex(body(ctx));
  }

  /**
   * The request body. Use this rather than {@code ctx.bodyAsBytes()}: a binary body has
   * already been read from the connection by {@link #verify}, or is read here and matched
   * against the SHA-256 declared for it.
   */
  public static byte[] body(Context ctx) {
    byte[] body = ctx.attribute(BINARY_BODY);
    if (body == null && ctx.attribute(UNREAD_BODY) != null) {
      try (InputStream in = bodyStream(ctx)) {
        body = in.readAllBytes();
      } catch (IOException e) {
        throw ApiException.badRequest("Request body could not be read to its announced length.");
      }
      ctx.attribute(BINARY_BODY, body);
    }
    return body != null ? body : ctx.bodyAsBytes();
  }

  /**
   * The request body as a stream. A body declared ahead of it ({@link
   * RequestSignature#CONTENT_SHA256_HEADER}) streams from the connection, exactly its
   * announced length, hashed as it is read: at the end it throws a 400 {@link ApiException}
   * if the bytes are not the declared ones, or if the body ended early, so a handler that
   * stores as it reads must keep nothing when the stream throws. Read it once.
   */
  public static InputStream bodyStream(Context ctx) {
    if (ctx.attribute(UNREAD_BODY) == null) {
      return new java.io.ByteArrayInputStream(body(ctx));
    }
    ctx.attribute(UNREAD_BODY, null);
    String declared = ctx.attribute(BODY_SHA256);
    long length = ctx.req().getContentLengthLong();
    InputStream in;
    try {
      in = ctx.req().getInputStream();
    } catch (IOException e) {
      throw ApiException.badRequest("Request body could not be read: " + e.getMessage());
    }
    MessageDigest sha256 = sha256();
    return new WatchedStream(in) {
      private long read;

      @Override
      public int read(byte[] buffer, int offset, int wanted) throws IOException {
        if (read == length) {
          return -1;
        }
        int n = in.read(buffer, offset, (int) Math.min(wanted, length - read));
        if (n < 0) {
          throw ApiException.badRequest("Request body ended after " + read + " of its " + length + " bytes.");
        }
        sha256.update(buffer, offset, n);
        read += n;
        if (read == length && !HexFormat.of().formatHex(sha256.digest()).equals(declared)) {
          throw ApiException.badRequest("Request body does not match its " + RequestSignature.CONTENT_SHA256_HEADER
              + ": it was changed or damaged in transit; nothing was kept. Send it again.");
        }
        return n;
      }
    };
  }

  /**
   * The body's SHA-256, to check the signature against. A binary body ({@value #BINARY})
   * that declares its SHA-256 ahead ({@link RequestSignature#CONTENT_SHA256_HEADER}) is left
   * on the connection for the handler to stream ({@link #bodyStream}), checked as it is
   * read. Another binary body of announced length is read here into an array of exactly
   * that length and hashed slice by slice as it arrives; Javalin's own reader grows a buffer
   * by copying, which for 8 MiB chunks cost about half the storage service's time. Other
   * bodies go through Javalin as before.
   */
  private static String hashBody(Context ctx) {
    long length = ctx.req().getContentLengthLong();
    String type = ctx.req().getContentType();
    if (length < 0 || type == null || !type.regionMatches(true, 0, BINARY, 0, BINARY.length())) {
      return RequestSignature.sha256Hex(ctx.bodyAsBytes());
    }
    Long limit = ctx.appData(MaxRequestSize.INSTANCE.getMaxRequestSizeKey());
    if (length > Math.min(limit == null ? Integer.MAX_VALUE : limit, Integer.MAX_VALUE - 8)) {
      throw ApiException.tooLarge("Request body is " + length + " bytes, over the limit of " + limit + ".");
    }
    String declared = ctx.header(RequestSignature.CONTENT_SHA256_HEADER);
    if (declared != null) {
      if (!SHA256_HEX.matcher(declared).matches()) {
        throw ApiException.badRequest(RequestSignature.CONTENT_SHA256_HEADER
            + " must be the body's SHA-256 as 64 lowercase hex digits.");
      }
      ctx.attribute(UNREAD_BODY, Boolean.TRUE);
      return declared;
    }
    byte[] body = new byte[(int) length];
    MessageDigest sha256 = sha256();
    try {
      InputStream in = ctx.req().getInputStream();
      for (int at = 0; at < body.length; ) {
        int n = in.read(body, at, body.length - at);
        if (n < 0) {
          throw ApiException.badRequest("Request body ended after " + at + " of its " + length + " bytes.");
        }
        sha256.update(body, at, n);
        at += n;
      }
    } catch (IOException e) {
      throw ApiException.badRequest("Request body could not be read to its announced length.");
    }
    ctx.attribute(BINARY_BODY, body);
    return HexFormat.of().formatHex(sha256.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JVM", e);
    }
  }

  /** The raw path and query exactly as the client sent them, which is what it signed. */
  static String target(Context ctx) {
    String query = ctx.req().getQueryString();
    return ctx.req().getRequestURI() + (query == null ? "" : "?" + query);
  }

  private static String header(Context ctx, String name) {
    String value = ctx.header(name);
    if (value == null || value.isEmpty()) {
      throw ApiException.unauthorized("Header " + name + " is missing: this call needs a signed session. Log in first.");
    }
    return value;
  }
}
