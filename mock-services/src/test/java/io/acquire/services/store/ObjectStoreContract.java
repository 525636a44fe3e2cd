package io.acquire.services.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What every {@link ObjectStore} must do; each implementation runs this suite. */
abstract class ObjectStoreContract {
  protected ObjectStore store;

  protected abstract ObjectStore open();

  @BeforeEach
  void openStore() {
    store = open();
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void missingKeyIsEmpty() {
    assertTrue(store.get("nothing/here").isEmpty());
  }

  @Test
  void putThenGetRoundTripsAnyBytes() {
    byte[] binary = new byte[256];
    for (int i = 0; i < binary.length; i++) {
      binary[i] = (byte) i;
    }
    store.put("a/binary", binary);
    store.put("a/empty", new byte[0]);
    assertArrayEquals(binary, store.get("a/binary").orElseThrow().data());
    assertArrayEquals(new byte[0], store.get("a/empty").orElseThrow().data());
  }

  @Test
  void everyPutMakesANewVersionEvenForTheSameBytes() {
    String first = store.put("k", bytes("same"));
    String second = store.put("k", bytes("same"));
    assertNotEquals(first, second);
    assertEquals(second, store.get("k").orElseThrow().version());
  }

  @Test
  void putIfAbsentWinsOnlyOnce() {
    assertTrue(store.putIfAbsent("k", bytes("first")).isPresent());
    assertTrue(store.putIfAbsent("k", bytes("second")).isEmpty());
    assertEquals("first", new String(store.get("k").orElseThrow().data(), StandardCharsets.UTF_8));
  }

  @Test
  void streamedPutIfAbsentStoresExactlyTheStreamedBytesOnce() {
    byte[] big = new byte[300_000]; // several of the local store's write slices
    new java.util.Random(7).nextBytes(big);
    assertTrue(store.putIfAbsent("streamed", new ByteArrayInputStream(big), big.length).isPresent());
    assertArrayEquals(big, store.get("streamed").orElseThrow().data());
    ByteArrayInputStream second = new ByteArrayInputStream(bytes("other"));
    assertTrue(store.putIfAbsent("streamed", second, 5).isEmpty());
    assertEquals(0, second.available(), "the stream is read to its end even when the key exists");
    assertArrayEquals(big, store.get("streamed").orElseThrow().data());
    assertTrue(store.putIfAbsent("empty", InputStream.nullInputStream(), 0).isPresent());
    assertArrayEquals(new byte[0], store.get("empty").orElseThrow().data());
  }

  @Test
  void aStreamedPutThatFailsStoresNothing() {
    UncheckedIOException shortStream = assertThrows(UncheckedIOException.class,
        () -> store.putIfAbsent("short", new ByteArrayInputStream(new byte[10]), 11));
    assertTrue(shortStream.getMessage().contains("10 of 11"), shortStream.getMessage());
    assertTrue(store.get("short").isEmpty());
    // A checking stream vetoes the put by throwing once it has seen everything.
    InputStream vetoing = new java.io.FilterInputStream(new ByteArrayInputStream(new byte[100_000])) {
      private long read;

      @Override
      public int read(byte[] buffer, int offset, int length) throws java.io.IOException {
        int n = super.read(buffer, offset, length);
        read += Math.max(n, 0);
        if (read == 100_000) {
          throw new IllegalStateException("checksum mismatch");
        }
        return n;
      }
    };
    IllegalStateException veto = assertThrows(IllegalStateException.class,
        () -> store.putIfAbsent("vetoed", vetoing, 100_000));
    assertEquals("checksum mismatch", veto.getMessage());
    assertTrue(store.get("vetoed").isEmpty());
    assertTrue(store.list("").isEmpty(), "nothing listed: " + store.list(""));
  }

  @Test
  void putIfVersionNeedsTheCurrentVersion() {
    String v1 = store.put("k", bytes("one"));
    String v2 = store.putIfVersion("k", bytes("two"), v1).orElseThrow();
    assertTrue(store.putIfVersion("k", bytes("stale"), v1).isEmpty(), "a stale version must lose");
    assertTrue(store.putIfVersion("missing", bytes("x"), v1).isEmpty(), "no object, no match");
    assertTrue(store.get("missing").isEmpty());
    StoredObject current = store.get("k").orElseThrow();
    assertEquals(v2, current.version());
    assertEquals("two", new String(current.data(), StandardCharsets.UTF_8));
  }

  @Test
  void listFindsKeysByPrefixInOrder() {
    for (String key : List.of("ab", "abc/x", "abc/y/z", "abd", "b/c", "a/b", "a/b/c")) {
      store.put(key, bytes(key));
    }
    assertEquals(List.of("a/b", "a/b/c", "ab", "abc/x", "abc/y/z", "abd", "b/c"), store.list(""));
    assertEquals(List.of("ab", "abc/x", "abc/y/z", "abd"), store.list("ab"));
    assertEquals(List.of("abc/x", "abc/y/z"), store.list("abc/"));
    assertEquals(List.of("a/b", "a/b/c"), store.list("a/"));
    assertEquals(List.of("a/b/c"), store.list("a/b/"));
    assertEquals(List.of(), store.list("zzz/"));
  }

  @Test
  void deleteRemovesFromGetAndList() {
    store.put("d/one", bytes("1"));
    store.put("d/two", bytes("2"));
    assertTrue(store.delete("d/one"));
    assertFalse(store.delete("d/one"));
    assertTrue(store.get("d/one").isEmpty());
    assertEquals(List.of("d/two"), store.list("d/"));
  }

  @Test
  void returnedBytesAreCopies() {
    byte[] data = bytes("original");
    store.put("k", data);
    data[0] = 'X';
    byte[] read = store.get("k").orElseThrow().data();
    read[1] = 'Y';
    assertEquals("original", new String(store.get("k").orElseThrow().data(), StandardCharsets.UTF_8));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "..", ".", "a/../b", "a//b", "/a", "a/", "a b", "a\u0000b", "caf\u00e9", "a\\b"})
  void invalidKeysAreRefusedWithAReason(String key) {
    List<org.junit.jupiter.api.function.Executable> uses = List.of(
        () -> store.put(key, bytes("x")),
        () -> store.putIfAbsent(key, bytes("x")),
        () -> store.putIfVersion(key, bytes("x"), "v"),
        () -> store.get(key),
        () -> store.delete(key));
    for (org.junit.jupiter.api.function.Executable use : uses) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, use);
      assertTrue(e.getMessage().startsWith("object key"), e.getMessage());
      assertFalse(e.getMessage().contains("\u0000"), "no raw NUL in a message");
    }
    if (!key.isEmpty()) {
      assertThrows(IllegalArgumentException.class, () -> store.list(key + "/"));
    }
    assertTrue(store.list("").isEmpty(), "nothing may be written");
  }

  @Test
  void invalidPrefixesAreRefused() {
    for (String prefix : List.of("/", "a//", "../", "a/./")) {
      assertThrows(IllegalArgumentException.class, () -> store.list(prefix), prefix);
    }
    assertThrows(IllegalArgumentException.class, () -> store.list(null));
  }

  @Test
  void anyTextEncodesToAValidSegmentAndDistinctTextsToDistinctSegments() {
    java.util.Random random = new java.util.Random(42);
    java.util.Map<String, String> texts = new java.util.HashMap<>();
    for (int i = 0; i < 2000; i++) {
      StringBuilder text = new StringBuilder();
      int length = 1 + random.nextInt(i % 10 == 0 ? 400 : 12);
      for (int c = 0; c < length; c++) {
        // Mostly dots, slashes, percent signs and surrogate halves: the characters that can go wrong.
        text.append(switch (random.nextInt(6)) {
          case 0 -> '.';
          case 1 -> '/';
          case 2 -> '%';
          case 3 -> (char) (0xD800 + random.nextInt(0x800));
          case 4 -> (char) random.nextInt(0x80);
          default -> (char) random.nextInt(0x10000);
        });
      }
      String segment = ObjectKeys.segment(text.toString());
      ObjectKeys.check(segment);
      assertFalse(segment.equals(".") || segment.equals(".."), segment);
      String earlier = texts.putIfAbsent(segment, text.toString());
      assertTrue(earlier == null || earlier.equals(text.toString()), "two texts encoded to " + segment);
    }
  }

  @Test
  void overlongKeysAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> store.get("k".repeat(ObjectKeys.MAX_LENGTH + 1)));
  }

  @Test
  void segmentEncodingMakesAnyTextOneSafeDistinctSegment() {
    Set<String> seen = new HashSet<>();
    for (String text : List.of(".", "..", "a/b", "a%2Fb", "ä", "a b", "A", "a", "\u0000", "../../etc")) {
      String segment = ObjectKeys.segment(text);
      ObjectKeys.check("x/" + segment);
      assertFalse(segment.contains("/") || segment.equals(".") || segment.equals(".."));
      assertTrue(seen.add(segment), "two texts encoded to " + segment);
      store.put("x/" + segment, bytes(text));
    }
    assertEquals(seen.size(), store.list("x/").size());
  }

  @Test
  void theLongestSegmentIsStoredAndALongerOneIsRefused() {
    String longest = "s".repeat(ObjectKeys.MAX_SEGMENT_LENGTH);
    store.put("long/" + longest + "/" + longest, bytes("deep"));
    assertEquals("deep", new String(store.get("long/" + longest + "/" + longest).orElseThrow().data(), StandardCharsets.UTF_8));
    assertEquals(List.of("long/" + longest + "/" + longest), store.list("long/" + longest + "/"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> store.put("long/" + longest + "s", bytes("x")));
    assertTrue(e.getMessage().startsWith("object key has a segment longer than"), e.getMessage());
  }

  @Test
  void segmentsOfLongOrMalformedTextAreStorableAndDistinct() {
    List<String> texts = List.of(
        "\uD800", "\uDBFF", "?", "\uDC00\uD800", "\uD83D\uDE00",  // lone surrogates must not collapse to '?'
        "\u4E2D".repeat(64), "\u4E2D".repeat(63) + "\u6587",        // 64 CJK characters: 576 encoded, hashed
        "x".repeat(5000), "x".repeat(4999) + "y", "~", "%7E");
    Set<String> seen = new HashSet<>();
    for (String text : texts) {
      String segment = ObjectKeys.segment(text);
      assertTrue(segment.length() <= ObjectKeys.MAX_SEGMENT_LENGTH, segment);
      assertTrue(seen.add(segment), "two texts encoded to " + segment);
      store.put("texts/" + segment, bytes(segment));
    }
    assertEquals(texts.size(), store.list("texts/").size());
    assertThrows(IllegalArgumentException.class, () -> ObjectKeys.segment(""));
  }

  @Test
  void concurrentPutIfAbsentHasExactlyOneWinnerPerKey() throws Exception {
    assertOneWinnerPerKey("race/", 50, (key, data) -> store.putIfAbsent(key, data));
  }

  @Test
  void concurrentPutNewHasExactlyOneWinnerPerKey() throws Exception {
    assertOneWinnerPerKey("claims/", 30, (key, data) -> store.putNew(key, data));
  }

  /** Sixteen threads race {@code create} on each of {@code keys} keys under {@code prefix}. */
  private void assertOneWinnerPerKey(String prefix, int keys,
      java.util.function.BiFunction<String, byte[], java.util.Optional<String>> create) throws Exception {
    AtomicInteger wins = new AtomicInteger();
    runConcurrently(16, thread -> {
      for (int k = 0; k < keys; k++) {
        if (create.apply(prefix + k, bytes("thread " + thread)).isPresent()) {
          wins.incrementAndGet();
        }
      }
    });
    assertEquals(keys, wins.get());
    assertEquals(keys, store.list(prefix).size());
  }

  @Test
  void getAllReadsTheNewestVersionOfEveryLiveKeyUnderAPrefix() {
    store.put("all/1", bytes("one"));
    store.put("all/2", bytes("two"));
    String two = store.put("all/2", bytes("two again"));
    store.put("all/3", bytes("gone"));
    store.delete("all/3");
    store.put("all/sub/4", bytes("four"));
    store.put("other/5", bytes("five"));
    java.util.SortedMap<String, StoredObject> all = store.getAll("all/");
    assertEquals(List.of("all/1", "all/2", "all/sub/4"), List.copyOf(all.keySet()));
    assertEquals("two again", new String(all.get("all/2").data(), StandardCharsets.UTF_8));
    assertEquals(two, all.get("all/2").version());
    assertEquals(store.get("all/1").orElseThrow().version(), all.get("all/1").version());
    assertTrue(store.getAll("none/").isEmpty());
  }

  @Test
  void aKeyPutNewIsCreatedOnceAndClaimedAgainIsRefused() {
    assertTrue(store.putNew("nonce/a", bytes("first")).isPresent());
    assertTrue(store.putNew("nonce/a", bytes("replayed")).isEmpty());
    assertEquals("first", new String(store.get("nonce/a").orElseThrow().data(), StandardCharsets.UTF_8));
    store.put("written", bytes("by a put"));
    assertTrue(store.putNew("written", bytes("new?")).isEmpty(), "a key just put is taken");
  }

  @Test
  void concurrentConditionalIncrementsLoseNothing() throws Exception {
    int threads = 16;
    int increments = 40;
    store.put("counter", bytes("0"));
    runConcurrently(threads, thread -> {
      for (int i = 0; i < increments; i++) {
        while (true) {
          StoredObject current = store.get("counter").orElseThrow();
          int next = Integer.parseInt(new String(current.data(), StandardCharsets.UTF_8)) + 1;
          if (store.putIfVersion("counter", bytes(Integer.toString(next)), current.version()).isPresent()) {
            break;
          }
        }
      }
    });
    assertEquals(threads * increments,
        Integer.parseInt(new String(store.get("counter").orElseThrow().data(), StandardCharsets.UTF_8)));
  }

  @Test
  void jsonUpdateUnderContentionIsExact() throws Exception {
    JsonObjects objects = new JsonObjects(store);
    runConcurrently(8, thread -> {
      for (int i = 0; i < 25; i++) {
        objects.update("json/counter", Integer.class, current -> current.orElse(0) + 1);
      }
    });
    assertEquals(Optional.of(200), objects.get("json/counter", Integer.class));
  }

  @Test
  void aJsonChangeReturningNullIsRefusedAndWritesNothing() {
    JsonObjects objects = new JsonObjects(store);
    NullPointerException e = assertThrows(NullPointerException.class,
        () -> objects.update("json/nothing", Integer.class, current -> null));
    assertTrue(e.getMessage().contains("returned null"), e.getMessage());
    assertTrue(store.get("json/nothing").isEmpty());
  }

  @Test
  void deletingAndRewritingKeysOfOneDirectoryConcurrentlyLosesNoWrite() throws Exception {
    runConcurrently(8, thread -> {
      for (int i = 0; i < 40; i++) {
        String key = "churn/dir/t" + thread + "/k" + (i % 3);
        store.put(key, bytes(thread + ":" + i));
        assertEquals(thread + ":" + i, new String(store.get(key).orElseThrow().data(), StandardCharsets.UTF_8));
        assertTrue(store.delete(key));
      }
      store.put("churn/dir/t" + thread + "/last", bytes("kept"));
    });
    assertEquals(8, store.list("churn/").size());
  }

  // Logs --------------------------------------------------------------------------------

  /** Appends at the first free position, as a log's writers do; returns the position it got. */
  static long appendAtEnd(ObjectLog log, byte[] record) {
    long position = 0;
    while (true) {
      while (log.read(position).isPresent()) {
        position++;
      }
      if (log.append(position, record)) {
        return position;
      }
    }
  }

  @Test
  void aLogReadsBackWhatWasAppendedInOrder() {
    ObjectLog log = store.log("ledger");
    assertTrue(log.read(0).isEmpty());
    for (int i = 0; i < 10; i++) {
      assertTrue(log.append(i, bytes("record " + i)));
    }
    assertTrue(log.append(10, new byte[0]), "an empty record is a record");
    for (int i = 0; i < 10; i++) {
      assertEquals("record " + i, new String(log.read(i).orElseThrow(), StandardCharsets.UTF_8));
    }
    assertEquals(0, log.read(10).orElseThrow().length);
    assertTrue(log.read(11).isEmpty());
    assertArrayEquals(bytes("record 3"), store.log("ledger").read(3).orElseThrow(), "the same log by name");
    assertTrue(store.log("other").read(0).isEmpty(), "logs are separate");
  }

  @Test
  void aTakenPositionOrOnePastTheEndIsRefusedAndChangesNothing() {
    ObjectLog log = store.log("ledger");
    assertTrue(log.append(0, bytes("first")));
    assertFalse(log.append(0, bytes("again")), "position 0 is taken");
    assertFalse(log.append(2, bytes("gap")), "position 1 is free, so 2 is not next");
    assertEquals("first", new String(log.read(0).orElseThrow(), StandardCharsets.UTF_8));
    assertTrue(log.read(2).isEmpty());
    assertTrue(log.append(1, bytes("second")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "Upper", "has/slash", "..", "-leading", "space here"})
  void badLogNamesAreRefused(String name) {
    assertThrows(IllegalArgumentException.class, () -> store.log(name));
  }

  @Test
  void negativePositionsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> store.log("ledger").read(-1));
    assertThrows(IllegalArgumentException.class, () -> store.log("ledger").append(-1, bytes("x")));
  }

  @Test
  void sixteenThreadsRacingForPositionsGetOneWinnerEachAndLeaveNoGaps() throws Exception {
    ObjectLog log = store.log("race");
    Set<String> written = java.util.concurrent.ConcurrentHashMap.newKeySet();
    runConcurrently(16, thread -> {
      for (int i = 0; i < 20; i++) {
        String record = thread + "/" + i;
        appendAtEnd(log, bytes(record));
        written.add(record);
      }
    });
    Set<String> read = new HashSet<>();
    for (int position = 0; position < 320; position++) {
      assertTrue(read.add(new String(log.read(position).orElseThrow(), StandardCharsets.UTF_8)), "read twice");
    }
    assertTrue(log.read(320).isEmpty());
    assertEquals(written, read, "every append is there once");
  }

  interface ThreadBody {
    void run(int thread) throws Exception;
  }

  static void runConcurrently(int threads, ThreadBody body) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        futures.add(pool.submit(() -> {
          start.await();
          body.run(thread);
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
