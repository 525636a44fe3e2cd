package io.acquire.client;

import com.google.crypto.tink.HybridDecrypt;
import com.google.crypto.tink.HybridEncrypt;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeyTemplates;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.hybrid.HybridConfig;
import com.google.crypto.tink.prf.PrfConfig;
import com.google.crypto.tink.prf.PrfSet;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

/**
 * A user's key pair for encrypted drives (Tink HPKE: X25519, HKDF-SHA256, AES-256-GCM) and
 * the wrapping of drives' data keys (Tink PRF keysets, HMAC-SHA256) for it. The private half
 * lives in the user's {@link Wallet} only; the public half is published through storage.
 *
 * <p>Security guarantees: a wrapped data key opens only with the private key it was wrapped
 * for, and only for the drive, generation and user it was wrapped for (they are HPKE's
 * context info), so storage cannot hand one drive's wrapping to another.
 */
final class EncryptionKeyPair {
  static {
    try {
      HybridConfig.register();
      PrfConfig.register();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Tink's hybrid encryption or PRF is unavailable: " + e.getMessage(), e);
    }
  }

  private final KeysetHandle privateKeyset;

  private EncryptionKeyPair(KeysetHandle privateKeyset) {
    this.privateKeyset = privateKeyset;
  }

  static EncryptionKeyPair generate() {
    try {
      return new EncryptionKeyPair(KeysetHandle.generateNew(
          KeyTemplates.get("DHKEM_X25519_HKDF_SHA256_HKDF_SHA256_AES_256_GCM_RAW")));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Cannot make an encryption key pair: " + e.getMessage(), e);
    }
  }

  static EncryptionKeyPair parseUnsafe(byte[] keyset) throws GeneralSecurityException {
    return new EncryptionKeyPair(TinkProtoKeysetFormat.parseKeyset(keyset, InsecureSecretKeyAccess.get()));
  }

  /** The private keyset in Tink's binary format: a secret, for the wallet's 0600 file only. */
  byte[] serializeUnsafe() {
    try {
      return TinkProtoKeysetFormat.serializeKeyset(privateKeyset, InsecureSecretKeyAccess.get());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  byte[] publicKeyset() {
    try {
      return TinkProtoKeysetFormat.serializeKeysetWithoutSecret(privateKeyset.getPublicKeysetHandle());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A new data key for a drive's next generation. */
  static KeysetHandle newDataKey() {
    try {
      return KeysetHandle.generateNew(KeyTemplates.get("HMAC_SHA256_PRF"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Cannot make a data key: " + e.getMessage(), e);
    }
  }

  static PrfSet prf(KeysetHandle dataKey) {
    try {
      return dataKey.getPrimitive(RegistryConfiguration.get(), PrfSet.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code dataKey} wrapped for the holder of {@code publicKeyset}, bound to drive, generation and user. */
  static byte[] wrap(KeysetHandle dataKey, byte[] publicKeyset, String drive, int generation, String user) {
    try {
      HybridEncrypt encrypt = TinkProtoKeysetFormat.parseKeysetWithoutSecret(publicKeyset)
          .getPrimitive(RegistryConfiguration.get(), HybridEncrypt.class);
      return encrypt.encrypt(TinkProtoKeysetFormat.serializeKeyset(dataKey, InsecureSecretKeyAccess.get()),
          context(drive, generation, user));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(user + "'s published encryption key is not a usable public key ("
          + e.getMessage() + "); they can publish a new one with user.publishEncryptionKey().", e);
    }
  }

  /** The data key wrapped for this key pair's owner {@code user}. */
  KeysetHandle unwrap(byte[] wrapped, String drive, int generation, String user) throws GeneralSecurityException {
    HybridDecrypt decrypt = privateKeyset.getPrimitive(RegistryConfiguration.get(), HybridDecrypt.class);
    return TinkProtoKeysetFormat.parseKeyset(decrypt.decrypt(wrapped, context(drive, generation, user)),
        InsecureSecretKeyAccess.get());
  }

  private static byte[] context(String drive, int generation, String user) {
    return ("acquire drive key v1\0" + drive + "\0" + generation + "\0" + user).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "EncryptionKeyPair[private key not shown]";
  }
}
