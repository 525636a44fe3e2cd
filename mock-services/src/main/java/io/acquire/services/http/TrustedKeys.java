package io.acquire.services.http;

import io.acquire.client.wire.VerifyingKey;
import java.util.List;

/** The keys the registry lists for a service, as verifiers need them. */
public interface TrustedKeys {
  /** The keys to trust for {@code service} now, its current key first; empty if it is not registered. */
  List<VerifyingKey> keysOf(String service);

  /**
   * The same, read afresh from the registry, for a key the cached answer did not list: the
   * service may have rotated since. Implementations bound how often this reads, so that
   * forged requests cannot turn into a stream of registry reads.
   */
  List<VerifyingKey> refreshedKeysOf(String service);
}
