package io.acquire.client.wire;

import com.google.crypto.tink.PublicKeyVerify;
import com.google.crypto.tink.signature.Ed25519PublicKey;
import com.google.crypto.tink.subtle.Ed25519Verify;
import com.google.crypto.tink.util.Bytes;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * An Ed25519 public key. On the wire it is the 32 raw key bytes in base64url.
 *
 * <p>Security guarantees: {@link #verify} accepts a signature only if it was made by the
 * matching {@link SigningKey} over exactly these bytes (Tink's Ed25519, on BoringSSL when
 * Conscrypt is available; both reject non-canonical signatures, which a test checks).
 */
public final class VerifyingKey {
  private final byte[] raw;
  private final PublicKeyVerify verifier;

  private VerifyingKey(byte[] raw) {
    if (raw.length != Ed25519Verify.PUBLIC_KEY_LEN) {
      throw new IllegalArgumentException(
          "an Ed25519 public key has " + Ed25519Verify.PUBLIC_KEY_LEN + " bytes, not " + raw.length);
    }
    Ed25519Engine.ensureRegistered();
    this.raw = raw.clone();
    try {
      this.verifier = Ed25519Verify.create(Ed25519PublicKey.create(Bytes.copyFrom(this.raw)));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not an Ed25519 public key: " + e.getMessage(), e);
    }
  }

  public static VerifyingKey fromBytes(byte[] raw) {
    return new VerifyingKey(raw);
  }

  /** Parses the wire form, or throws {@link IllegalArgumentException} saying why not. */
  public static VerifyingKey fromBase64Url(String text) {
    return new VerifyingKey(Base64Url.decode(text));
  }

  public boolean verify(byte[] signature, byte[] data) {
    try {
      verifier.verify(signature, data);
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  public byte[] toBytes() {
    return raw.clone();
  }

  public String toBase64Url() {
    return Base64Url.encode(raw);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VerifyingKey other && Arrays.equals(raw, other.raw);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(raw);
  }

  @Override
  public String toString() {
    return "VerifyingKey[" + toBase64Url() + "]";
  }
}
