package io.acquire.client.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TotpTest {
  private static final byte[] SHA1_SEED = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SHA256_SEED = "12345678901234567890123456789012".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SHA512_SEED =
      "1234567890123456789012345678901234567890123456789012345678901234".getBytes(StandardCharsets.US_ASCII);

  /** RFC 4226 Appendix D. */
  @ParameterizedTest
  @CsvSource({
      "0, 755224", "1, 287082", "2, 359152", "3, 969429", "4, 338314",
      "5, 254676", "6, 287922", "7, 162583", "8, 399871", "9, 520489"})
  void hotpMatchesRfc4226AppendixD(long counter, String expected) {
    assertEquals(expected, Totp.hotp(SHA1_SEED, counter, 6));
  }

  /** RFC 6238 Appendix B. */
  @ParameterizedTest
  @CsvSource({
      "59, 94287082, HmacSHA1", "59, 46119246, HmacSHA256", "59, 90693936, HmacSHA512",
      "1111111109, 07081804, HmacSHA1", "1111111109, 68084774, HmacSHA256", "1111111109, 25091201, HmacSHA512",
      "1111111111, 14050471, HmacSHA1", "1111111111, 67062674, HmacSHA256", "1111111111, 99943326, HmacSHA512",
      "1234567890, 89005924, HmacSHA1", "1234567890, 91819424, HmacSHA256", "1234567890, 93441116, HmacSHA512",
      "2000000000, 69279037, HmacSHA1", "2000000000, 90698825, HmacSHA256", "2000000000, 38618901, HmacSHA512",
      "20000000000, 65353130, HmacSHA1", "20000000000, 77737706, HmacSHA256", "20000000000, 47863826, HmacSHA512"})
  void totpMatchesRfc6238AppendixB(long epochSeconds, String expected, String algorithm) {
    byte[] seed = switch (algorithm) {
      case "HmacSHA256" -> SHA256_SEED;
      case "HmacSHA512" -> SHA512_SEED;
      default -> SHA1_SEED;
    };
    assertEquals(expected, Totp.totp(seed, Instant.ofEpochSecond(epochSeconds), 8, algorithm));
  }

  @Test
  void verifyAcceptsNeighbouringStepsAndReportsTheMatchedOne() {
    Totp totp = Totp.generate();
    Instant now = Instant.ofEpochSecond(1_700_000_000L);
    assertEquals(Totp.step(now), totp.verify(totp.code(now), now).getAsLong());
    assertEquals(Totp.step(now) - 1, totp.verify(totp.code(now.minusSeconds(30)), now).getAsLong());
    assertEquals(Totp.step(now) + 1, totp.verify(totp.code(now.plusSeconds(30)), now).getAsLong());
    assertFalse(totp.verify(totp.code(now.minusSeconds(90)), now).isPresent());
    assertFalse(totp.verify("12345", now).isPresent());
    assertFalse(totp.verify("abcdef", now).isPresent());
  }

  @Test
  void provisioningUriRoundTripsTheSecret() {
    Totp totp = Totp.generate();
    String uri = totp.provisioningUriUnsafe("Acquire", "ada lovelace");
    assertTrue(uri.startsWith("otpauth://totp/Acquire:ada%20lovelace?secret="), uri);
    assertTrue(uri.endsWith("&issuer=Acquire&algorithm=SHA1&digits=6&period=30"), uri);
    assertEquals(32, totp.base32SecretUnsafe().length(), "160 bits is 32 Base32 characters");
    Instant now = Instant.now();
    assertEquals(totp.code(now), Totp.fromProvisioningUriUnsafe(uri).code(now));
  }

  @Test
  void toStringNeverShowsTheSecret() {
    Totp totp = Totp.generate();
    assertFalse(totp.toString().contains(totp.base32SecretUnsafe()));
  }

  @Test
  void malformedSecretsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> Totp.fromBase32Unsafe("not base32!"));
    assertThrows(IllegalArgumentException.class, () -> Totp.fromBase32Unsafe("AAAA"));
    assertThrows(IllegalArgumentException.class, () -> Totp.fromProvisioningUriUnsafe("https://example.org"));
  }
}
