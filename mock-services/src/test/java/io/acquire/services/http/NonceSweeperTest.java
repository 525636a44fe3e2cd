package io.acquire.services.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.acquire.services.store.MemoryObjectStore;
import io.acquire.services.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class NonceSweeperTest {
  private final MemoryObjectStore store = new MemoryObjectStore();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T12:00:00Z"));
  private final NonceSweeper sweeper = new NonceSweeper(store, clock, Duration.ofMinutes(5));

  private void nonce(String session, String nonce, Instant signedAt) {
    store.put(SessionKeys.nonce(session, nonce),
        Long.toString(signedAt.getEpochSecond()).getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void deletesOnlyNoncesOlderThanTwoWindowsAndKeepsEverythingElse() {
    Instant now = clock.instant();
    nonce("s1", "old-old-old-old-1", now.minus(Duration.ofMinutes(11)));
    nonce("s1", "recent-recent-1", now.minus(Duration.ofMinutes(6)));
    nonce("s2", "fresh-fresh-fre-1", now);
    store.put(SessionKeys.revoked("s1"), "x".getBytes(StandardCharsets.US_ASCII));

    assertEquals(1, sweeper.sweep());
    assertEquals(List.of(SessionKeys.nonce("s1", "recent-recent-1"), SessionKeys.revoked("s1"),
        SessionKeys.nonce("s2", "fresh-fresh-fre-1")), store.list("sessions/"));
    assertEquals(0, sweeper.sweep(), "a second pass finds nothing more");

    clock.advance(Duration.ofMinutes(10));
    assertEquals(1, sweeper.sweep(), "exactly two windows old is kept; only older goes");
    clock.advance(Duration.ofMinutes(1));
    assertEquals(1, sweeper.sweep());
    assertTrue(store.get(SessionKeys.revoked("s1")).isPresent(), "revocations are never swept");
  }
}
