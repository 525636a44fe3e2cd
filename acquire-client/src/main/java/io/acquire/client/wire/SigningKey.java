package io.acquire.client.wire;

import com.google.crypto.tink.subtle.Ed25519Sign;
import java.security.GeneralSecurityException;

/**
 * An Ed25519 private key: a user's session key or a service's signing key.
 *
 * <p>Security guarantees: the secret seed is never part of {@link #toString()}, and the
 * only way to read it is {@link #exportSeedUnsafe()}, whose name says what it does.
 */
public final class SigningKey {
  private final byte[] seed;
  private final Ed25519Sign signer;
  private final VerifyingKey verifyingKey;

  private SigningKey(Ed25519Sign.KeyPair pair) throws GeneralSecurityException {
    this.seed = pair.getPrivateKey();
    this.signer = new Ed25519Sign(seed);
    this.verifyingKey = VerifyingKey.fromBytes(pair.getPublicKey());
  }

  /** A fresh key from the system's secure random source. */
  public static SigningKey generate() {
    try {
      return new SigningKey(Ed25519Sign.KeyPair.newKeyPair());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 is not available in this JVM", e);
    }
  }

  /** Re-creates a key from its 32-byte seed, as stored by a service or a wallet. */
  public static SigningKey fromSeedUnsafe(byte[] seed) {
    if (seed.length != Ed25519Sign.SECRET_KEY_LEN) {
      throw new IllegalArgumentException("an Ed25519 seed has " + Ed25519Sign.SECRET_KEY_LEN + " bytes");
    }
    try {
      return new SigningKey(Ed25519Sign.KeyPair.newKeyPairFromSeed(seed));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not a valid Ed25519 seed", e);
    }
  }

  public byte[] sign(byte[] data) {
    try {
      return signer.sign(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 signing failed", e);
    }
  }

  public VerifyingKey verifyingKey() {
    return verifyingKey;
  }

  /** The secret seed. Only for storing the key where it belongs; never log it. */
  public byte[] exportSeedUnsafe() {
    return seed.clone();
  }

  @Override
  public String toString() {
    return "SigningKey[public=" + verifyingKey.toBase64Url() + "]";
  }
}
