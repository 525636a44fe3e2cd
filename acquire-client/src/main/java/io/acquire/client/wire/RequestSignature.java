package io.acquire.client.wire;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How an authenticated request is signed. The session key signs the canonical form
 *
 * <pre>
 * ACQUIRE-REQUEST-V1
 * METHOD
 * /raw/path?raw=query
 * hex(SHA-256(body))
 * epoch-seconds
 * nonce
 * </pre>
 *
 * <p>(lines joined by a single {@code \n}; the query and its {@code ?} only when the URL has
 * one) and the request carries the four headers below. A service recomputes the form
 * from what it received, so a changed method, path, query or body breaks the signature.
 */
public final class RequestSignature {
  public static final String CERTIFICATE_HEADER = "X-Acquire-Certificate";
  public static final String TIMESTAMP_HEADER = "X-Acquire-Timestamp";
  public static final String NONCE_HEADER = "X-Acquire-Nonce";
  public static final String SIGNATURE_HEADER = "X-Acquire-Signature";
  /**
   * A binary body's SHA-256 (lowercase hex), sent ahead of the body: the service checks the
   * signature against it before the body arrives, streams the body, and refuses the request
   * (400, nothing kept) if the bytes do not match. Optional; without it a service reads and
   * hashes the whole body before checking the signature.
   */
  public static final String CONTENT_SHA256_HEADER = "X-Acquire-Content-SHA256";
  /** Echoed on every response and in every error body, to quote in bug reports. */
  public static final String REQUEST_ID_HEADER = "X-Request-Id";

  private static final String VERSION = "ACQUIRE-REQUEST-V1";
  private static final SecureRandom RANDOM = new SecureRandom();

  private RequestSignature() {}

  /** The bytes the session key signs. {@code target} is the raw path plus {@code ?query}, if any. */
  public static byte[] canonical(String method, String target, byte[] body, long epochSeconds, String nonce) {
    return canonicalForDigest(method, target, sha256Hex(body), epochSeconds, nonce);
  }

  /** The same, for a body whose SHA-256 (lowercase hex) is already known: large bodies are hashed once. */
  public static byte[] canonicalForDigest(String method, String target, String bodySha256Hex, long epochSeconds,
      String nonce) {
    String text = VERSION + "\n"
        + method.toUpperCase(Locale.ROOT) + "\n"
        + target + "\n"
        + bodySha256Hex + "\n"
        + epochSeconds + "\n"
        + nonce;
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Signs one request: the four headers to send with it, with a fresh random nonce.
   * Sign again for every attempt, since a service accepts each nonce once.
   */
  public static Map<String, String> sign(SigningKey sessionKey, SessionCertificate certificate,
      String method, String target, byte[] body, long epochSeconds) {
    return signDigest(sessionKey, certificate, method, target, sha256Hex(body), epochSeconds);
  }

  /** {@link #sign} for a body whose SHA-256 is already known. */
  public static Map<String, String> signDigest(SigningKey sessionKey, SessionCertificate certificate,
      String method, String target, String bodySha256Hex, long epochSeconds) {
    byte[] nonceBytes = new byte[18];
    RANDOM.nextBytes(nonceBytes);
    String nonce = Base64Url.encode(nonceBytes);
    byte[] signature = sessionKey.sign(canonicalForDigest(method, target, bodySha256Hex, epochSeconds, nonce));
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(CERTIFICATE_HEADER, certificate.token());
    headers.put(TIMESTAMP_HEADER, Long.toString(epochSeconds));
    headers.put(NONCE_HEADER, nonce);
    headers.put(SIGNATURE_HEADER, Base64Url.encode(signature));
    return headers;
  }

  public static String sha256Hex(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JVM", e);
    }
  }
}
