package io.acquire.client.wire;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.PublicKeySign;
import com.google.crypto.tink.signature.Ed25519PrivateKey;
import com.google.crypto.tink.signature.Ed25519PublicKey;
import com.google.crypto.tink.subtle.Ed25519Sign;
import com.google.crypto.tink.util.Bytes;
import com.google.crypto.tink.util.SecretBytes;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;

/**
 * An Ed25519 private key: a user's session key or a service's signing key.
 *
 * <p>With Conscrypt registered it signs through Tink on BoringSSL. Without it, it signs with
 * the JDK's own Ed25519 (SunEC), which needs no public key and none of the tables Tink's Java
 * Ed25519 computes on first use: a command that loads a key from its wallet and signs a few
 * requests starts markedly faster. Ed25519 is deterministic (RFC 8032), so both engines give
 * the same signature bytes; the public key is derived only when asked for.
 *
 * <p>Security guarantees: the secret seed is never part of {@link #toString()}, and the
 * only way to read it is {@link #exportSeedUnsafe()}, whose name says what it does.
 */
public final class SigningKey {
  private final byte[] seed;
  private final PublicKeySign signer;
  private final PrivateKey jdkKey;
  private volatile VerifyingKey verifyingKey;

  private SigningKey(byte[] seed, byte[] publicKey, boolean onConscrypt) throws GeneralSecurityException {
    this.seed = seed;
    if (onConscrypt) {
      byte[] raw = publicKey != null ? publicKey : Ed25519Sign.KeyPair.newKeyPairFromSeed(seed).getPublicKey();
      // Tink's factory, not its Java class: it signs with BoringSSL when Conscrypt is registered.
      this.signer = Ed25519Sign.create(Ed25519PrivateKey.create(Ed25519PublicKey.create(Bytes.copyFrom(raw)),
          SecretBytes.copyFrom(seed, InsecureSecretKeyAccess.get())));
      this.jdkKey = null;
      this.verifyingKey = VerifyingKey.fromBytes(raw);
    } else {
      this.signer = null;
      this.jdkKey = KeyFactory.getInstance("Ed25519")
          .generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed));
      this.verifyingKey = publicKey == null ? null : VerifyingKey.fromBytes(publicKey);
    }
  }

  /** A fresh key from the system's secure random source. */
  public static SigningKey generate() {
    try {
      Ed25519Sign.KeyPair pair = Ed25519Sign.KeyPair.newKeyPair();
      return new SigningKey(pair.getPrivateKey(), pair.getPublicKey(), Ed25519Engine.ensureRegistered());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 is not available in this JVM", e);
    }
  }

  /** Re-creates a key from its 32-byte seed, as stored by a service or a wallet. */
  public static SigningKey fromSeedUnsafe(byte[] seed) {
    return fromSeed(seed, Ed25519Engine.ensureRegistered());
  }

  /** As {@link #fromSeedUnsafe}, choosing the engine: tests run both where Conscrypt loads. */
  static SigningKey fromSeed(byte[] seed, boolean onConscrypt) {
    if (seed.length != Ed25519Sign.SECRET_KEY_LEN) {
      throw new IllegalArgumentException("an Ed25519 seed has " + Ed25519Sign.SECRET_KEY_LEN + " bytes");
    }
    try {
      return new SigningKey(seed.clone(), null, onConscrypt);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Ed25519 is not available in this JVM", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not a valid Ed25519 seed", e);
    }
  }

  public byte[] sign(byte[] data) {
    try {
      if (signer != null) {
        return signer.sign(data);
      }
      Signature signature = Signature.getInstance("Ed25519"); // one per call: a Signature is not thread-safe
      signature.initSign(jdkKey);
      signature.update(data);
      return signature.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 signing failed", e);
    }
  }

  public VerifyingKey verifyingKey() {
    VerifyingKey key = verifyingKey;
    if (key == null) {
      try {
        key = VerifyingKey.fromBytes(Ed25519Sign.KeyPair.newKeyPairFromSeed(seed).getPublicKey());
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("Ed25519 is not available in this JVM", e);
      }
      verifyingKey = key;
    }
    return key;
  }

  /** The secret seed. Only for storing the key where it belongs; never log it. */
  public byte[] exportSeedUnsafe() {
    return seed.clone();
  }

  @Override
  public String toString() {
    return "SigningKey[public=" + verifyingKey().toBase64Url() + "]";
  }
}
