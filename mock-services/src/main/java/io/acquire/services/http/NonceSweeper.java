package io.acquire.services.http;

import io.acquire.services.store.ObjectStore;
import io.acquire.services.store.StoredObject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Deletes used nonces once their requests are too old to verify anyway: a replay older
 * than the signature window is refused by its timestamp, so its nonce need not be kept.
 * A margin of one more window allows for clock differences between processes. Safe to
 * run in several processes at once: deletes are idempotent.
 */
public final class NonceSweeper {
  private final ObjectStore store;
  private final Clock clock;
  private final Duration window;

  public NonceSweeper(ObjectStore store, Clock clock, Duration window) {
    this.store = store;
    this.clock = clock;
    this.window = window;
  }

  /** One pass over the store; returns how many nonces were deleted. */
  public int sweep() {
    long cutoff = clock.instant().minus(window.multipliedBy(2)).getEpochSecond();
    int deleted = 0;
    for (String key : store.list("sessions/")) {
      if (!key.contains("/nonces/")) {
        continue;
      }
      Optional<StoredObject> nonce = store.get(key);
      if (nonce.isPresent() && signedAt(nonce.get()) < cutoff && store.delete(key)) {
        deleted++;
      }
    }
    return deleted;
  }

  private static long signedAt(StoredObject nonce) {
    try {
      return Long.parseLong(new String(nonce.data(), StandardCharsets.US_ASCII).strip());
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE; // not ours to judge: keep it
    }
  }
}
