package io.acquire.client.wire;

import com.eatthepath.otp.HmacOneTimePasswordGenerator;
import com.eatthepath.otp.TimeBasedOneTimePasswordGenerator;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.OptionalLong;
import javax.crypto.spec.SecretKeySpec;
import org.apache.commons.codec.binary.Base32;

/**
 * Time-based one-time passwords as authenticator apps make them (RFC 6238): HMAC-SHA-1,
 * 30-second steps, 6 digits, a 160-bit secret.
 *
 * <p>Security guarantees: the secret is never part of {@link #toString()}; the methods
 * that reveal it say so in their names. {@link #verify} compares in constant time.
 */
public final class Totp {
  public static final Duration STEP = Duration.ofSeconds(30);
  public static final int DIGITS = 6;
  private static final int SECRET_BYTES = 20;
  private static final String ALGORITHM = TimeBasedOneTimePasswordGenerator.TOTP_ALGORITHM_HMAC_SHA1;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Key key;

  private Totp(byte[] secret) {
    this.key = new SecretKeySpec(secret, ALGORITHM);
  }

  /** A fresh 160-bit secret. */
  public static Totp generate() {
    byte[] secret = new byte[SECRET_BYTES];
    RANDOM.nextBytes(secret);
    return new Totp(secret);
  }

  /** The secret as authenticator apps show it (Base32); {@link IllegalArgumentException} if it isn't. */
  public static Totp fromBase32Unsafe(String base32) {
    String clean = base32 == null ? "" : base32.replace(" ", "").toUpperCase(Locale.ROOT);
    Base32 codec = new Base32();
    if (clean.isEmpty() || !codec.isInAlphabet(clean.replace("=", ""))) {
      throw new IllegalArgumentException("TOTP secret is not Base32");
    }
    byte[] secret = codec.decode(clean);
    if (secret.length < 10) {
      throw new IllegalArgumentException("TOTP secret is shorter than 80 bits");
    }
    return new Totp(secret);
  }

  /** Reads the secret back out of an {@code otpauth://totp/...} provisioning URI. */
  public static Totp fromProvisioningUriUnsafe(String uri) {
    int start = uri.indexOf("secret=");
    if (!uri.startsWith("otpauth://totp/") || start < 0) {
      throw new IllegalArgumentException("not an otpauth://totp provisioning URI with a secret");
    }
    int end = uri.indexOf('&', start);
    return fromBase32Unsafe(uri.substring(start + "secret=".length(), end < 0 ? uri.length() : end));
  }

  public String base32SecretUnsafe() {
    return new Base32().encodeToString(key.getEncoded()).replace("=", "");
  }

  /** The {@code otpauth://} URI an authenticator app scans; it contains the secret. */
  public String provisioningUriUnsafe(String issuer, String account) {
    String label = encode(issuer) + ":" + encode(account);
    return "otpauth://totp/" + label + "?secret=" + base32SecretUnsafe() + "&issuer=" + encode(issuer)
        + "&algorithm=SHA1&digits=" + DIGITS + "&period=" + STEP.toSeconds();
  }

  /** The 6-digit code for the step holding {@code at}. */
  public String code(Instant at) {
    return totp(key, at, DIGITS, ALGORITHM);
  }

  /** The time step (count of 30-second periods since the epoch) holding {@code at}. */
  public static long step(Instant at) {
    return Math.floorDiv(at.getEpochSecond(), STEP.toSeconds());
  }

  /**
   * Checks {@code code} against the steps just before, at and just after {@code now}
   * (allowing 30 s of clock skew) and returns the step it matched, so that a caller can
   * refuse that step's code a second time.
   */
  public OptionalLong verify(String code, Instant now) {
    if (code == null || code.length() != DIGITS || !code.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return OptionalLong.empty();
    }
    byte[] given = code.getBytes(StandardCharsets.US_ASCII);
    long matched = -1;
    for (long offset = -1; offset <= 1; offset++) {
      Instant at = now.plus(STEP.multipliedBy(offset));
      if (MessageDigest.isEqual(given, code(at).getBytes(StandardCharsets.US_ASCII)) && matched < 0) {
        matched = step(at);
      }
    }
    return matched < 0 ? OptionalLong.empty() : OptionalLong.of(matched);
  }

  @Override
  public String toString() {
    return "Totp[secret=<redacted>]";
  }

  /** RFC 4226 HOTP with HMAC-SHA-1, for the RFC's test vectors. */
  static String hotp(byte[] secret, long counter, int digits) {
    try {
      return new HmacOneTimePasswordGenerator(digits)
          .generateOneTimePasswordString(new SecretKeySpec(secret, "HmacSHA1"), counter, Locale.ROOT);
    } catch (InvalidKeyException e) {
      throw new IllegalArgumentException("unusable HOTP key", e);
    }
  }

  /** RFC 6238 TOTP for any of its algorithms and lengths, for the RFC's test vectors. */
  static String totp(byte[] secret, Instant at, int digits, String algorithm) {
    return totp(new SecretKeySpec(secret, algorithm), at, digits, algorithm);
  }

  private static String totp(Key key, Instant at, int digits, String algorithm) {
    try {
      return new TimeBasedOneTimePasswordGenerator(STEP, digits, algorithm)
          .generateOneTimePasswordString(key, at, Locale.ROOT);
    } catch (InvalidKeyException e) {
      throw new IllegalArgumentException("unusable TOTP key", e);
    }
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
