package io.acquire.services.http;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Whether sessions are revoked, remembered so that a session's burst of signed requests
 * (a Drive upload's chunks) reads the store once instead of once per request: on S3 an
 * absent key costs a listing.
 *
 * <p>A revocation is final, so a revoked answer is kept. A live answer is trusted for
 * {@link #LIVE_FOR} only: a session revoked by another process sharing the store is
 * refused here at most that long after its revocation was written. Revocations made in
 * this process ({@link #revoked}) take effect at once. When full, the cache starts again
 * empty, which only costs reads.
 */
final class RevocationCache {
  /** How long a session read as not revoked is believed without reading again. */
  static final Duration LIVE_FOR = Duration.ofSeconds(2);
  private static final int MAX_ENTRIES = 10_000;
  private static final long REVOKED = Long.MIN_VALUE;

  /** Session id to the nanoTime until which it counts as live, or {@link #REVOKED}. */
  private final Map<String, Long> sessions = new ConcurrentHashMap<>();
  private final LongSupplier nanoTime;

  RevocationCache() {
    this(System::nanoTime);
  }

  RevocationCache(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  /** Whether {@code sessionId} is revoked, asking {@code readRevoked} only when no fresh answer is known. */
  boolean isRevoked(String sessionId, Predicate<String> readRevoked) {
    Long known = sessions.get(sessionId);
    long now = nanoTime.getAsLong();
    if (known != null && (known == REVOKED || now - known < 0)) {
      return known == REVOKED;
    }
    boolean revoked = readRevoked.test(sessionId);
    remember(sessionId, revoked ? REVOKED : now + LIVE_FOR.toNanos());
    return revoked;
  }

  /** Records a revocation this process has just written, so it takes effect here without waiting. */
  void revoked(String sessionId) {
    remember(sessionId, REVOKED);
  }

  private void remember(String sessionId, long value) {
    if (sessions.size() >= MAX_ENTRIES) {
      sessions.clear();
    }
    sessions.merge(sessionId, value, (old, fresh) -> old == REVOKED ? old : fresh);
  }
}
