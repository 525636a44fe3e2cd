package io.acquire.client.wire;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.PublicKeySign;
import com.google.crypto.tink.signature.Ed25519PrivateKey;
import com.google.crypto.tink.signature.Ed25519PublicKey;
import com.google.crypto.tink.subtle.Ed25519Sign;
import com.google.crypto.tink.util.Bytes;
import com.google.crypto.tink.util.SecretBytes;
import java.security.GeneralSecurityException;

/**
 * An Ed25519 private key: a user's session key or a service's signing key.
 *
 * <p>Security guarantees: the secret seed is never part of {@link #toString()}, and the
 * only way to read it is {@link #exportSeedUnsafe()}, whose name says what it does.
 */
public final class SigningKey {
  private final byte[] seed;
  private final PublicKeySign signer;
  private final VerifyingKey verifyingKey;

  private SigningKey(Ed25519Sign.KeyPair pair) throws GeneralSecurityException {
    Ed25519Engine.ensureRegistered();
    this.seed = pair.getPrivateKey();
    Ed25519PublicKey publicKey = Ed25519PublicKey.create(Bytes.copyFrom(pair.getPublicKey()));
    // Tink's factory, not its Java class: it signs with BoringSSL when Conscrypt is registered.
    this.signer = Ed25519Sign.create(Ed25519PrivateKey.create(publicKey,
        SecretBytes.copyFrom(seed, InsecureSecretKeyAccess.get())));
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
