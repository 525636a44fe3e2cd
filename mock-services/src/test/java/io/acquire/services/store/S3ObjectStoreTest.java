package io.acquire.services.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.acquire.services.testing.MutableClock;
import io.acquire.services.testing.S3Proxy;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The store contract on a real S3-compatible server (S3Proxy), plus what only S3 needs. */
class S3ObjectStoreTest extends ObjectStoreContract {
  private static final String BUCKET = "contract";
  private static final AtomicInteger PREFIXES = new AtomicInteger();

  @TempDir
  static Path directory;
  static S3Proxy s3;

  private String prefix;

  @BeforeAll
  static void startS3Proxy() {
    s3 = S3Proxy.start(directory);
    s3.createBucket(BUCKET);
  }

  @AfterAll
  static void stopS3Proxy() {
    if (s3 != null) {
      s3.close();
    }
  }

  /** Each test gets its own prefix in one bucket, so tests never see each other's objects. */
  @Override
  protected ObjectStore open() {
    prefix = "t" + PREFIXES.incrementAndGet();
    return s3.storeBuilder(BUCKET, prefix).sweepEvery(Duration.ZERO).build();
  }

  private List<S3Object> rawObjects(String under) {
    try (S3Client client = s3.client()) {
      List<S3Object> all = new ArrayList<>();
      client.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix(prefix + "/" + under)).contents().forEach(all::add);
      return all;
    }
  }

  @Test
  void sixteenWritersRacingOnOneKeyHaveExactlyOneWinnerInEveryRound() throws Exception {
    int rounds = 25;
    for (int round = 0; round < rounds; round++) {
      String absent = "race/absent/" + round;
      String current = store.put("race/cas", bytes("round " + round));
      AtomicInteger createWins = new AtomicInteger();
      AtomicInteger swapWins = new AtomicInteger();
      Set<String> versions = java.util.concurrent.ConcurrentHashMap.newKeySet();
      runConcurrently(16, thread -> {
        if (store.putIfAbsent(absent, bytes("thread " + thread)).isPresent()) {
          createWins.incrementAndGet();
        }
        store.putIfVersion("race/cas", bytes("thread " + thread), current).ifPresent(v -> {
          swapWins.incrementAndGet();
          versions.add(v);
        });
      });
      assertEquals(1, createWins.get(), "round " + round + ": creators that won");
      assertEquals(1, swapWins.get(), "round " + round + ": compare-and-set writers that won");
      assertEquals(versions.iterator().next(), store.get("race/cas").orElseThrow().version());
    }
  }

  @Test
  void listingPagesPastAThousandKeysAndSeesEachKeyOnceWhateverItsVersions() throws Exception {
    int keys = 1100;
    runConcurrently(8, thread -> {
      for (int k = thread; k < keys; k += 8) {
        store.put(String.format("many/%05d", k), bytes("v1"));
        if (k % 100 == 0) {
          store.put(String.format("many/%05d", k), bytes("v2"));
        }
      }
    });
    store.delete("many/00007");
    List<String> listed = store.list("many/");
    assertEquals(keys - 1, listed.size());
    assertEquals(new TreeSet<>(listed).stream().toList(), listed, "in order");
    assertFalse(listed.contains("many/00007"));
    assertEquals("v2", new String(store.get("many/00100").orElseThrow().data(), StandardCharsets.UTF_8));
  }

  @Test
  void generationsEncodeNewestFirstAndRoundTrip() {
    List<String> encoded = new ArrayList<>();
    for (long g : new long[] {0, 1, 61, 62, 63, 3843, 3844, 238_327, 238_328, Long.MAX_VALUE}) {
      String e = S3ObjectStore.encodeGeneration(g);
      assertEquals(g, S3ObjectStore.decodeGeneration(e));
      assertEquals(-1, S3ObjectStore.decodeGeneration(e + "-0b5e"), "a file S3Proxy is writing is no slot");
      encoded.add(e);
    }
    for (int i = 1; i < encoded.size(); i++) {
      assertTrue(encoded.get(i).compareTo(encoded.get(i - 1)) < 0, encoded.get(i) + " sorts before " + encoded.get(i - 1));
    }
    assertEquals(2, S3ObjectStore.encodeGeneration(0).length(), "small generations stay short");
  }

  /** A client whose first conditional put is written but its answer lost, as a dropped connection would. */
  private static S3Client losingFirstAnswer(S3Client real, AtomicInteger lost) {
    InvocationHandler handler = (proxy, method, args) -> {
      try {
        Object result = method.invoke(real, args);
        if (method.getName().equals("putObject") && lost.getAndIncrement() == 0) {
          throw SdkClientException.create("connection reset (injected after the write)");
        }
        return result;
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    };
    return (S3Client) Proxy.newProxyInstance(S3Client.class.getClassLoader(), new Class<?>[] {S3Client.class}, handler);
  }

  @Test
  void aConditionalPutWhoseAnswerIsLostIsReadBackAndCountsOnce() {
    AtomicInteger putCalls = new AtomicInteger();
    try (S3Client real = s3.client();
         S3ObjectStore losing = s3.storeBuilder(BUCKET, prefix).client(losingFirstAnswer(real, putCalls))
             .sweepEvery(Duration.ZERO).build()) {
      String version = losing.putIfAbsent("lost/answer", bytes("mine")).orElseThrow(
          () -> new AssertionError("the put wrote, so it won, though its answer was lost"));
      assertEquals(version, store.get("lost/answer").orElseThrow().version());
      assertEquals(1, putCalls.get(), "read back, not sent again");
      assertTrue(losing.putIfAbsent("lost/answer", bytes("again")).isEmpty());
      assertEquals("mine", new String(store.get("lost/answer").orElseThrow().data(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void aRetryAnswered412BecauseTheFirstAttemptLandedLateStillWins() {
    // The first attempt fails on the wire but reaches the server later, just before the retry,
    // which then meets the object it wrote itself and is answered 412.
    AtomicReference<S3Client> realRef = new AtomicReference<>();
    AtomicReference<Object[]> delayed = new AtomicReference<>();
    AtomicInteger calls = new AtomicInteger();
    InvocationHandler handler = (proxy, method, args) -> {
      try {
        if (method.getName().equals("putObject")) {
          int call = calls.getAndIncrement();
          if (call == 0) {
            delayed.set(args);
            throw SdkClientException.create("read timed out (injected before the write)");
          }
          if (call == 1) {
            method.invoke(realRef.get(), delayed.get());
          }
        }
        return method.invoke(realRef.get(), args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    };
    try (S3Client real = s3.client()) {
      realRef.set(real);
      S3Client late = (S3Client) Proxy.newProxyInstance(S3Client.class.getClassLoader(), new Class<?>[] {S3Client.class},
          handler);
      try (S3ObjectStore lateStore = s3.storeBuilder(BUCKET, prefix).client(late).sweepEvery(Duration.ZERO).build()) {
        String version = lateStore.putIfAbsent("late/put", bytes("once")).orElseThrow(
            () -> new AssertionError("the 412 answered our own first attempt: the put won"));
        assertEquals(version, store.get("late/put").orElseThrow().version());
        assertEquals(2, calls.get());
      }
    }
  }

  @Test
  void aFirstWriteIsOneRequestWhenTheKeyIsNewOrWasJustSeenMissing() {
    try (CountingS3Client counting = new CountingS3Client(s3);
         S3ObjectStore counted = s3.storeBuilder(BUCKET, prefix).client(counting.client()).sweepEvery(Duration.ZERO)
             .build()) {
      counting.take(); // the bucket's check at the start
      assertTrue(counted.putNew("nonces/n1", bytes("1")).isPresent());
      assertEquals(java.util.Map.of("PutObject 200", 1L), counting.take(), "putNew creates the first slot directly");
      assertTrue(counted.get("paid/v1").isEmpty());
      counting.take();
      assertTrue(counted.putIfAbsent("paid/v1", bytes("paid")).isPresent());
      assertEquals(java.util.Map.of("PutObject 200", 1L), counting.take(), "no second listing after a read found nothing");
      assertTrue(counted.delete("paid/v1"));
      assertEquals(java.util.Map.of("PutObject 200", 1L), counting.take(), "the tombstone above the version just written");
      assertTrue(counted.get("paid/v1").isEmpty());
      counted.put("versions/1", bytes("v1"));
      assertEquals(List.of("versions/1"), counted.list("versions/"));
      counting.take();
      assertTrue(counted.putIfAbsent("versions/2", bytes("v2")).isPresent());
      assertEquals(java.util.Map.of("PutObject 200", 1L), counting.take(), "missing from its folder's listing just made");
      assertTrue(counted.putIfAbsent("versions/1", bytes("again")).isEmpty());
    }
  }

  @Test
  void getAllIsOneListingForObjectsThisProcessHoldsAndReadsTheRestWhateverAnotherWrote() {
    try (CountingS3Client counting = new CountingS3Client(s3);
         S3ObjectStore counted = s3.storeBuilder(BUCKET, prefix).client(counting.client()).sweepEvery(Duration.ZERO)
             .build();
         S3ObjectStore other = s3.storeBuilder(BUCKET, prefix).sweepEvery(Duration.ZERO).build()) {
      for (int i = 0; i < 5; i++) {
        counted.put("paid/" + i, bytes("v" + i));
      }
      counting.take();
      assertEquals(5, counted.getAll("paid/").size());
      assertEquals(java.util.Map.of("ListObjectsV2 200", 1L), counting.take(), "every newest slot's bytes were known");
      other.put("paid/2", bytes("changed"));
      assertTrue(other.delete("paid/4"));
      other.put("paid/5", bytes("new"));
      java.util.SortedMap<String, StoredObject> all = counted.getAll("paid/");
      assertEquals(List.of("paid/0", "paid/1", "paid/2", "paid/3", "paid/5"), List.copyOf(all.keySet()));
      assertEquals("changed", new String(all.get("paid/2").data(), StandardCharsets.UTF_8));
      assertEquals("new", new String(all.get("paid/5").data(), StandardCharsets.UTF_8));
      assertEquals(java.util.Map.of("ListObjectsV2 200", 1L, "GetObject 200", 2L), counting.take(),
          "only the two slots another process wrote were read");
    }
  }

  @Test
  void shortcutsFromWhatThisProcessSawStillLoseToWhatAnotherWroteSince() {
    try (S3ObjectStore other = s3.storeBuilder(BUCKET, prefix).sweepEvery(Duration.ZERO).build()) {
      assertTrue(store.get("late").isEmpty());
      assertTrue(store.get("late-deleted").isEmpty());
      other.put("late", bytes("theirs"));
      other.put("late", bytes("theirs again"));
      other.put("late-deleted", bytes("x"));
      assertTrue(other.delete("late-deleted"));
      assertTrue(store.putIfAbsent("late", bytes("mine")).isEmpty(), "written meanwhile by another process");
      assertEquals("theirs again", new String(other.get("late").orElseThrow().data(), StandardCharsets.UTF_8));
      assertTrue(store.putIfAbsent("late-deleted", bytes("mine")).isPresent(), "deleted meanwhile: absent again");
      assertEquals("mine", new String(other.get("late-deleted").orElseThrow().data(), StandardCharsets.UTF_8));

      store.put("shared", bytes("a"));
      other.put("shared", bytes("b"));
      assertTrue(store.delete("shared"), "the newer version written by the other is deleted too");
      assertTrue(other.get("shared").isEmpty());
      store.put("twice", bytes("a"));
      assertTrue(other.delete("twice"));
      assertFalse(store.delete("twice"), "already deleted by the other");
      assertEquals(List.of(), store.list("folder/"));
      other.put("folder/k", bytes("theirs"));
      other.put("folder/k", bytes("theirs again"));
      assertTrue(store.putIfAbsent("folder/k", bytes("mine")).isEmpty(), "written since the folder was listed");
      assertTrue(other.putNew("nonces/x", bytes("1")).isPresent());
      assertTrue(store.putNew("nonces/x", bytes("1")).isEmpty(), "a nonce claimed by another process is taken");
    }
  }

  @Test
  void theSweepDeletesOldVersionsAndDeletedObjectsOnlyAfterTheGracePeriod() {
    MutableClock clock = MutableClock.ofNow();
    try (S3ObjectStore swept = s3.storeBuilder(BUCKET, prefix).clock(clock).grace(Duration.ofMinutes(10))
        .sweepEvery(Duration.ZERO).build()) {
      for (int i = 0; i < 5; i++) {
        swept.put("kept", bytes("v" + i));
      }
      swept.put("gone", bytes("soon deleted"));
      assertTrue(swept.delete("gone"));
      assertEquals(0, swept.sweep(), "nothing is old yet");
      assertEquals(7, rawObjects("o/").size());

      clock.advance(Duration.ofMinutes(11));
      assertEquals(6, swept.sweep(), "four old versions of 'kept', and 'gone' with its tombstone");
      assertEquals(List.of(prefix + "/o/kept/@" + S3ObjectStore.encodeGeneration(4)),
          rawObjects("o/").stream().map(S3Object::key).toList());
      assertEquals("v4", new String(swept.get("kept").orElseThrow().data(), StandardCharsets.UTF_8));
      assertTrue(swept.get("gone").isEmpty());
      assertEquals(List.of("kept"), swept.list(""));
      assertTrue(swept.putIfAbsent("gone", bytes("again")).isPresent(), "a purged key starts afresh");
    }
  }

  @Test
  void nothingIsBuiltOnATombstoneOldEnoughToBePurged() {
    MutableClock clock = MutableClock.ofNow();
    try (S3ObjectStore store2 = s3.storeBuilder(BUCKET, prefix).clock(clock).grace(Duration.ofMinutes(10))
        .sweepEvery(Duration.ZERO).build()) {
      store2.put("old/tomb", bytes("x"));
      assertTrue(store2.delete("old/tomb"));
      clock.advance(Duration.ofMinutes(6));
      String version = store2.putIfAbsent("old/tomb", bytes("y")).orElseThrow();
      assertTrue(version.startsWith("3-"), "a fresh tombstone at 2 first, then the object at 3: " + version);
      clock.advance(Duration.ofMinutes(11));
      store2.sweep();
      assertEquals("y", new String(store2.get("old/tomb").orElseThrow().data(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void anEmptyObjectIsListedWithoutALookButATombstoneIsNot() {
    store.put("e/empty", new byte[0]);
    store.put("e/deleted", bytes("x"));
    assertTrue(store.delete("e/deleted"));
    assertEquals(List.of("e/empty"), store.list("e/"));
    assertArrayEquals(new byte[0], store.get("e/empty").orElseThrow().data());
    assertTrue(rawObjects("o/e/").stream().filter(o -> o.size() == 0).count() == 1, "only the tombstone is empty in S3");
    assertTrue(store.toString().endsWith("[s3://" + BUCKET + "/" + prefix + "]"), store.toString());
  }

  @Test
  void aKeyTooLongForS3IsRefusedWithAReason() {
    String key = ("s".repeat(200) + "/").repeat(6).substring(0, 1010);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store.put(key, bytes("x")));
    assertTrue(e.getMessage().startsWith("object key is longer than"), e.getMessage());
  }

  @Test
  void logRecordsArePlainObjectsWrittenOnce() {
    ObjectLog log = store.log("plain");
    assertTrue(log.append(0, bytes("zero")));
    assertFalse(log.append(0, bytes("again")));
    List<S3Object> raw = rawObjects("l/plain/");
    assertEquals(1, raw.size());
    try (S3Client client = s3.client()) {
      assertArrayEquals(bytes("zero"), client.getObjectAsBytes(b -> b.bucket(BUCKET).key(raw.get(0).key())).asByteArray());
    }
  }

  @Test
  void aMissingBucketIsReportedWithWhatToDo() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> S3ObjectStore.builder()
        .location("s3://no-such-bucket/x").endpoint(s3.endpoint()).credentials(s3.accessKey(), s3.secretKey()).build());
    assertTrue(e.getMessage().contains("does not exist") && e.getMessage().contains("create it"), e.getMessage());
    assertFalse(e.getMessage().contains(s3.secretKey()));
  }

  @Test
  void wrongCredentialsAreReportedWithoutTheSecret() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> S3ObjectStore.builder()
        .location("s3://" + BUCKET).endpoint(s3.endpoint()).credentials(s3.accessKey(), "wrong-secret-1234").build());
    assertTrue(e.getMessage().contains("AWS_ACCESS_KEY_ID"), e.getMessage());
    assertFalse(e.getMessage().contains("wrong-secret-1234"));
  }

  @Test
  void badLocationsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> S3ObjectStore.builder().location("http://bucket/x"));
    assertThrows(IllegalArgumentException.class, () -> S3ObjectStore.builder().location("s3://Bad_Bucket/x"));
    assertThrows(IllegalArgumentException.class, () -> S3ObjectStore.builder().location("s3://bucket/a//b"));
  }
}
