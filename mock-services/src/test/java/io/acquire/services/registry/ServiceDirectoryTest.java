package io.acquire.services.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.acquire.client.wire.SigningKey;
import io.acquire.client.wire.VerifyingKey;
import io.acquire.services.store.JsonObjects;
import io.acquire.services.store.MemoryObjectStore;
import io.acquire.services.testing.MutableClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a process believes about other services' keys, and how soon it learns better. */
class ServiceDirectoryTest {
  private final MutableClock clock = MutableClock.ofNow();
  private final JsonObjects registry = new JsonObjects(new MemoryObjectStore());
  private final ServiceDirectory directory = ServiceDirectory.inStore(registry, clock);
  private final VerifyingKey a = SigningKey.generate().verifyingKey();
  private final VerifyingKey b = SigningKey.generate().verifyingKey();
  private final VerifyingKey c = SigningKey.generate().verifyingKey();

  private void register(VerifyingKey key, Duration grace) {
    RegistryService.register(registry, "identity", "http://127.0.0.1:1/t/identity", key.toBase64Url(), grace,
        clock.instant());
  }

  @Test
  void aRotationIsSeenOnRefreshButRefreshesAreAtMostEveryTwoSeconds() {
    register(a, Duration.ZERO);
    assertEquals(List.of(a), directory.keysOf("identity"));
    register(b, Duration.ofHours(1));
    assertEquals(List.of(a), directory.keysOf("identity"), "cached for up to 30 s");
    assertEquals(List.of(a), directory.refreshedKeysOf("identity"), "read within the last two seconds");
    clock.advance(ServiceDirectory.MIN_REFRESH);
    assertEquals(List.of(b, a), directory.refreshedKeysOf("identity"), "the current key first, then the retiring");
    register(c, Duration.ofHours(1));
    assertEquals(List.of(b, a), directory.refreshedKeysOf("identity"), "read again only after two seconds");
    clock.advance(ServiceDirectory.MIN_REFRESH);
    assertEquals(List.of(c, a, b), directory.refreshedKeysOf("identity"));
  }

  @Test
  void aCachedAnswerIsReadAgainOnceItIsThirtySecondsOld() {
    register(a, Duration.ZERO);
    directory.keysOf("identity");
    register(b, Duration.ZERO);
    clock.advance(ServiceDirectory.FRESH.minusSeconds(1));
    assertEquals(List.of(a), directory.keysOf("identity"));
    clock.advance(Duration.ofSeconds(1));
    assertEquals(List.of(b), directory.keysOf("identity"), "a rotation without grace trusts only the new key");
  }

  @Test
  void aRetiringKeyStopsCountingWhenItsGraceEndsEvenInACachedAnswer() {
    register(a, Duration.ZERO);
    register(b, Duration.ofSeconds(10));
    assertEquals(List.of(b, a), directory.keysOf("identity"));
    clock.advance(Duration.ofSeconds(10));
    assertEquals(List.of(b), directory.keysOf("identity"));
  }

  @Test
  void aServiceNotYetRegisteredIsAskedForAgainSoon() {
    assertTrue(directory.keysOf("identity").isEmpty());
    register(a, Duration.ZERO);
    assertTrue(directory.keysOf("identity").isEmpty(), "the empty answer is kept briefly");
    clock.advance(ServiceDirectory.MIN_REFRESH);
    assertEquals(List.of(a), directory.keysOf("identity"), "but not for the 30 s a listing is kept");
  }

  @Test
  void aRotatedOutKeyCannotBecomeCurrentAgain() {
    register(a, Duration.ZERO);
    register(b, Duration.ofHours(1));
    io.acquire.services.http.ApiException refused = org.junit.jupiter.api.Assertions.assertThrows(
        io.acquire.services.http.ApiException.class, () -> register(a, Duration.ofHours(1)));
    assertEquals(409, refused.status());
  }
}
