package io.acquire.client.wire;

import java.time.Instant;
import java.util.List;

/**
 * A service as the registry publishes it, and as each service describes itself at its root.
 *
 * @param name {@code registry}, {@code identity}, {@code accounting}, {@code storage} or {@code compute}
 * @param url the service's base URL, such as {@code http://localhost:8080/t/identity}
 * @param publicKey the service's current Ed25519 signing key, base64url; trust follows the key
 * @param retiringKeys keys the service signed with before its last rotations, each still
 *     trusted until its {@code retiresAt} so that what was signed under it stays valid for a
 *     grace period; empty if the key never rotated
 */
public record ServiceInfo(String name, String url, String publicKey, List<RetiringKey> retiringKeys) {
  public ServiceInfo {
    retiringKeys = retiringKeys == null ? List.of() : List.copyOf(retiringKeys);
  }

  /** A service that has never rotated its key. */
  public ServiceInfo(String name, String url, String publicKey) {
    this(name, url, publicKey, List.of());
  }

  /** The keys to trust at {@code now}: the current one first, then those still in their grace period. */
  public List<String> keysValidAt(Instant now) {
    return java.util.stream.Stream.concat(java.util.stream.Stream.of(publicKey),
        retiringKeys.stream().filter(k -> now.isBefore(k.retiresAt())).map(RetiringKey::publicKey)).toList();
  }

  /** A previous key of the service, trusted until {@code retiresAt}. */
  public record RetiringKey(String publicKey, Instant retiresAt) {}
}
