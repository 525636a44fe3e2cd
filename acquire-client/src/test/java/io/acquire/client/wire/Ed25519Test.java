package io.acquire.client.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Session and service keys against RFC 8032's test vectors, on the engine requests really use. */
class Ed25519Test {
  private static final HexFormat HEX = HexFormat.of();
  /** The order of the Ed25519 group, L = 2^252 + 27742317777372353535851937790883648493. */
  private static final BigInteger ORDER = BigInteger.TWO.pow(252)
      .add(new BigInteger("27742317777372353535851937790883648493"));

  @Test
  void signingAndVerifyingRunOnBoringSslWhereConscryptLoads() {
    assertTrue(Ed25519Engine.ensureRegistered(), "Conscrypt's native library loads on this platform");
  }

  /** RFC 8032, section 7.1, tests 1 to 3: seed, public key, message, signature. */
  @ParameterizedTest
  @CsvSource({
      "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60, d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a, '', e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
      "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb, 3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c, 72, 92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
      "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7, fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025, af82, 6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"})
  void rfc8032VectorsSignAndVerify(String seed, String publicKey, String message, String signature) {
    SigningKey key = SigningKey.fromSeedUnsafe(HEX.parseHex(seed));
    byte[] data = HEX.parseHex(message);
    assertEquals(publicKey, HEX.formatHex(key.verifyingKey().toBytes()));
    assertArrayEquals(HEX.parseHex(signature), key.sign(data));
    assertTrue(VerifyingKey.fromBytes(HEX.parseHex(publicKey)).verify(HEX.parseHex(signature), data));
  }

  /** The JDK's engine (used without Conscrypt) signs the same vectors, deriving the public key only on request. */
  @ParameterizedTest
  @CsvSource({
      "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60, d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a, '', e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
      "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7, fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025, af82, 6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"})
  void theJdkEngineSignsRfc8032VectorsToo(String seed, String publicKey, String message, String signature) {
    SigningKey key = SigningKey.fromSeed(HEX.parseHex(seed), false);
    assertArrayEquals(HEX.parseHex(signature), key.sign(HEX.parseHex(message)));
    assertEquals(publicKey, HEX.formatHex(key.verifyingKey().toBytes()));
  }

  @Test
  void bothEnginesGiveByteIdenticalSignaturesForAFreshKey() {
    byte[] seed = SigningKey.generate().exportSeedUnsafe();
    byte[] data = "GET /t/accounting/accounts/main/balance".getBytes(StandardCharsets.UTF_8);
    SigningKey onJdk = SigningKey.fromSeed(seed, false);
    SigningKey onConscrypt = SigningKey.fromSeed(seed, true);
    assertArrayEquals(onConscrypt.sign(data), onJdk.sign(data));
    assertEquals(onConscrypt.verifyingKey(), onJdk.verifyingKey());
    assertTrue(onConscrypt.verifyingKey().verify(onJdk.sign(data), data));
  }

  @Test
  void aSignatureOverOtherBytesOrWithAnotherKeyIsRefused() {
    SigningKey key = SigningKey.generate();
    byte[] data = "GET /t/accounting/accounts".getBytes(StandardCharsets.UTF_8);
    byte[] signature = key.sign(data);
    assertTrue(key.verifyingKey().verify(signature, data));
    assertFalse(key.verifyingKey().verify(signature, "GET /t/accounting/accountz".getBytes(StandardCharsets.UTF_8)));
    assertFalse(SigningKey.generate().verifyingKey().verify(signature, data));
    assertFalse(key.verifyingKey().verify(new byte[63], data), "a signature of the wrong length");
  }

  /** Adding the group order to S gives a second signature that verifies mathematically; RFC 8032 says refuse it. */
  @Test
  void aNonCanonicalSignatureIsRefused() {
    SigningKey key = SigningKey.generate();
    byte[] data = "POST /t/accounting/transfers".getBytes(StandardCharsets.UTF_8);
    byte[] signature = key.sign(data);
    byte[] s = new byte[32];
    for (int i = 0; i < 32; i++) {
      s[i] = signature[63 - i]; // little-endian S to big-endian
    }
    byte[] big = new BigInteger(1, s).add(ORDER).toByteArray(); // S < L, so S + L < 2^254 still fits in 32 bytes
    byte[] forged = signature.clone();
    for (int i = 0; i < 32; i++) {
      int from = big.length - 1 - i;
      forged[32 + i] = from >= 0 ? big[from] : 0;
    }
    assertFalse(key.verifyingKey().verify(forged, data));
  }
}
