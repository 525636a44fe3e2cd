package io.acquire.client.wire;

import java.util.List;
import java.util.Map;

/**
 * Request and response bodies of storage's key directory for encrypted drives
 * ({@code /t/storage/encryption-key}, {@code /encryption-keys/{user}}, {@code /drives/{id}/keys});
 * see docs/encrypted-drives.md. Every key here is public or wrapped: the service never
 * holds a private key or a drive's data key in clear.
 */
public final class EncryptionWire {
  /** Longest public key or wrapped key accepted, in bytes once decoded: Tink's HPKE keys are under 200. */
  public static final int MAX_KEY_BYTES = 4096;

  private EncryptionWire() {}

  /** {@code PUT /encryption-key}: the caller's public key, a Tink public keyset in binary, base64url. */
  public record PublishKey(String publicKey) {}

  /** A user's published public key. */
  public record PublicKey(String username, String publicKey) {}

  /**
   * One generation of a drive's data key.
   *
   * @param wrappedKey the data key wrapped for the caller's public key (base64url), or null if it is not wrapped for them
   * @param readers whom it is wrapped for; given to the drive's owners only, else null
   */
  public record KeyGeneration(int generation, String wrappedKey, List<String> readers) {}

  /** {@code GET /drives/{id}/keys}: the drive's key generations, oldest first; none for a drive that is not encrypted. */
  public record DriveKeys(List<KeyGeneration> generations) {}

  /**
   * {@code POST /drives/{id}/keys}: adds wrappings of generation {@code generation} (at most
   * one more than the newest) for users, by username; needs the owner role on the whole drive.
   */
  public record AddWrappedKeys(int generation, Map<String, String> wraps) {}
}
