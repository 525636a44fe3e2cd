package io.acquire.services.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class RevocationCacheTest {
  private final AtomicLong nanos = new AtomicLong(1_000);
  private final RevocationCache cache = new RevocationCache(nanos::get);
  /** The store's revocations, as another process sharing it would write them. */
  private final Set<String> store = new HashSet<>();
  private final AtomicInteger reads = new AtomicInteger();
  private final Predicate<String> read = id -> {
    reads.incrementAndGet();
    return store.contains(id);
  };

  @Test
  void aLiveSessionIsReadOnceWithinTheBound() {
    for (int i = 0; i < 5; i++) {
      assertFalse(cache.isRevoked("s1", read));
    }
    assertEquals(1, reads.get());
  }

  @Test
  void aRevocationByAnotherProcessTakesEffectOnceTheBoundHasPassed() {
    assertFalse(cache.isRevoked("s1", read));
    store.add("s1");
    nanos.addAndGet(RevocationCache.LIVE_FOR.toNanos() - 1);
    assertFalse(cache.isRevoked("s1", read), "still within the documented bound");
    nanos.addAndGet(1);
    assertTrue(cache.isRevoked("s1", read));
    assertEquals(2, reads.get());
  }

  @Test
  void aRevocationInThisProcessTakesEffectAtOnceAndForGood() {
    assertFalse(cache.isRevoked("s1", read));
    cache.revoked("s1");
    assertTrue(cache.isRevoked("s1", read));
    nanos.addAndGet(RevocationCache.LIVE_FOR.toNanos() * 10);
    assertTrue(cache.isRevoked("s1", read));
    assertEquals(1, reads.get(), "a revocation is never read again");
  }

  @Test
  void otherSessionsAreNotAffectedByARevocation() {
    cache.revoked("s1");
    assertFalse(cache.isRevoked("s2", read));
  }
}
