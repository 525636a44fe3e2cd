package io.acquire.services.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalObjectStoreTest extends ObjectStoreContract {
  @TempDir
  Path directory;

  @Override
  protected ObjectStore open() {
    return LocalObjectStore.open(directory);
  }

  @Test
  void everythingReadsBackAfterReopening() {
    java.util.Map<String, StoredObject> written = new java.util.TreeMap<>();
    Random random = new Random(7);
    for (String key : List.of("keep/me", "keep/me/too", "keep/empty", "a", "a/b/c/d/e", "z%20z/~x")) {
      byte[] data = new byte[key.equals("keep/empty") ? 0 : 1 + random.nextInt(100_000)];
      random.nextBytes(data);
      written.put(key, new StoredObject(key, data, store.put(key, data)));
    }
    store.delete("a");
    written.remove("a");
    store.close();
    store = LocalObjectStore.open(directory);
    assertEquals(List.copyOf(written.keySet()), store.list(""));
    for (StoredObject expected : written.values()) {
      StoredObject actual = store.get(expected.key()).orElseThrow();
      assertEquals(expected.version(), actual.version());
      assertArrayEquals(expected.data(), actual.data());
    }
  }

  @Test
  void twoProcessesIncrementingOneCounterLoseNothing() throws Exception {
    store.put("counter", bytes("0"));
    List<Process> processes = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      processes.add(java(StoreWorker.class, "increment", directory.toString(), "150"));
    }
    for (Process process : processes) {
      assertTrue(process.waitFor(60, TimeUnit.SECONDS), "worker did not finish");
      assertEquals(0, process.exitValue(), new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }
    assertEquals("300", new String(store.get("counter").orElseThrow().data(), StandardCharsets.UTF_8));
  }

  @Test
  void aProcessKilledMidWriteNeverLeavesATornObject() throws Exception {
    for (int round = 0; round < 4; round++) {
      Process writer = java(StoreWorker.class, "churn", directory.toString(), Long.toString(round));
      // Wait until the writer has really started writing, then kill it at a random moment.
      String ready = new String(writer.getInputStream().readNBytes(6), StandardCharsets.US_ASCII);
      assertEquals("ready\n", ready);
      Thread.sleep(50 + new Random(round).nextInt(300));
      writer.destroyForcibly().waitFor(30, TimeUnit.SECONDS);

      List<String> keys = store.list("churn/");
      assertTrue(keys.stream().allMatch(k -> k.matches("churn/[0-7]")), "only whole objects are listed: " + keys);
      for (String key : keys) {
        assertTrue(StoreWorker.selfCheckPasses(store.get(key).orElseThrow().data()), "torn object " + key);
      }
    }
  }

  @Test
  void aLogReadsBackAfterReopeningAndAcrossSegments() {
    SegmentLog log = new SegmentLog(directory.resolve("logs/small"), 4, true,
        LocalObjectStore.jvmLockFor(directory.resolve("logs/small")));
    for (int i = 0; i < 10; i++) {
      assertTrue(log.append(i, bytes("r" + i)));
    }
    assertFalse(log.append(12, bytes("gap")), "past the end, in a segment not yet started");
    assertTrue(Files.exists(directory.resolve("logs/small/0000000000000002.seg")), "three segments of four");
    SegmentLog reopened = new SegmentLog(directory.resolve("logs/small"), 4, true,
        LocalObjectStore.jvmLockFor(directory.resolve("logs/small")));
    for (int i = 9; i >= 0; i--) {
      assertEquals("r" + i, new String(reopened.read(i).orElseThrow(), StandardCharsets.UTF_8));
    }
    assertFalse(reopened.append(9, bytes("taken")));
    assertTrue(reopened.append(10, bytes("r10")));
    assertEquals("r10", new String(log.read(10).orElseThrow(), StandardCharsets.UTF_8), "the first instance sees it");
  }

  @Test
  void aTornTailIsNeverReadAndTheNextAppendCutsItOff() throws Exception {
    ObjectLog log = store.log("torn");
    for (int i = 0; i < 3; i++) {
      assertTrue(log.append(i, bytes("whole " + i)));
    }
    Path segment = directory.resolve("logs/torn/0000000000000000.seg");
    long whole = Files.size(segment);
    // What a writer killed mid-append leaves: a header promising more bytes than follow.
    byte[] torn = java.nio.ByteBuffer.allocate(30).putInt(0x41634c67).putLong(3).putInt(1000).putInt(42).array();
    Files.write(segment, torn, java.nio.file.StandardOpenOption.APPEND);
    try (LocalObjectStore fresh = LocalObjectStore.open(directory)) {
      assertTrue(fresh.log("torn").read(3).isEmpty(), "a torn record is not a record");
      assertEquals("whole 2", new String(fresh.log("torn").read(2).orElseThrow(), StandardCharsets.UTF_8));
      assertTrue(fresh.log("torn").append(3, bytes("after the crash")));
    }
    assertEquals(whole + 20 + "after the crash".length(), Files.size(segment), "the torn bytes were cut off");
    assertEquals("after the crash", new String(log.read(3).orElseThrow(), StandardCharsets.UTF_8));
  }

  @Test
  void twoProcessesAppendingToOneLogLoseNothingAndLeaveNoGaps() throws Exception {
    Process a = java(StoreWorker.class, "append", directory.toString(), "a", "150");
    Process b = java(StoreWorker.class, "append", directory.toString(), "b", "150");
    assertEquals(0, a.waitFor(), new String(a.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    assertEquals(0, b.waitFor(), new String(b.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    ObjectLog log = store.log("shared");
    java.util.Map<String, Integer> next = new java.util.HashMap<>(java.util.Map.of("a", 0, "b", 0));
    for (int position = 0; position < 300; position++) {
      String[] record = new String(log.read(position).orElseThrow(), StandardCharsets.UTF_8).split("/");
      assertEquals((int) next.get(record[0]), Integer.parseInt(record[1]), "each worker's records in its order");
      next.merge(record[0], 1, Integer::sum);
    }
    assertTrue(log.read(300).isEmpty());
  }

  @Test
  void aProcessKilledMidAppendLeavesOnlyWholeRecords() throws Exception {
    for (int round = 0; round < 3; round++) {
      Process writer = java(StoreWorker.class, "log-churn", directory.toString(), Long.toString(round));
      String ready = new String(writer.getInputStream().readNBytes(6), StandardCharsets.US_ASCII);
      assertEquals("ready\n", ready);
      Thread.sleep(50 + new Random(round).nextInt(300));
      writer.destroyForcibly().waitFor(30, TimeUnit.SECONDS);

      try (LocalObjectStore fresh = LocalObjectStore.open(directory)) {
        ObjectLog log = fresh.log("churn");
        long position = 0;
        for (Optional<byte[]> record; (record = log.read(position)).isPresent(); position++) {
          assertTrue(StoreWorker.selfCheckPasses(record.get()), "torn record " + position);
        }
        assertTrue(position > 0);
        assertTrue(log.append(position, StoreWorker.selfChecking(new Random(), 100)), "the log goes on after the crash");
        assertTrue(StoreWorker.selfCheckPasses(log.read(position - 1).orElseThrow()));
      }
    }
  }

  @Test
  void staleTempFilesFromACrashAreSweptOnOpenButFreshOnesAreLeft() throws Exception {
    store.put("a/b", bytes("x"));
    Path directoryOfB = directory.resolve("objects").resolve("a.d");
    Path stale = Files.write(directoryOfB.resolve("b.o.1234.tmp"), bytes("half"));
    Files.setLastModifiedTime(stale, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
    Path fresh = Files.write(directoryOfB.resolve("b.o.5678.tmp"), bytes("in flight"));
    store.close();
    store = LocalObjectStore.open(directory);
    assertTrue(Files.notExists(stale), "a crash's leftover is removed");
    assertTrue(Files.exists(fresh), "another process may still be writing this one");
    assertEquals(List.of("a/b"), store.list(""));
  }

  @Test
  void anInterruptedWriterDoesNotBreakLaterWritesToItsStripe() {
    store.put("k", bytes("before"));
    Thread.currentThread().interrupt();
    try {
      store.put("k", bytes("interrupted"));
    } catch (RuntimeException e) {
      // Failing the interrupted call is fine; breaking the store for everyone after is not.
    } finally {
      Thread.interrupted();
    }
    store.put("k", bytes("after"));
    assertEquals("after", new String(store.get("k").orElseThrow().data(), StandardCharsets.UTF_8));
    assertTrue(store.delete("k"));
  }

  @Test
  void twoStoresOpenOnOneDirectoryInOneProcessStillExclude() throws Exception {
    try (LocalObjectStore second = LocalObjectStore.open(directory.resolve(".").resolve("objects").resolve(".."))) {
      ObjectStore[] stores = {store, second};
      store.put("counter", bytes("0"));
      AtomicInteger wins = new AtomicInteger();
      runConcurrently(8, thread -> {
        ObjectStore mine = stores[thread % 2];
        for (int i = 0; i < 25; i++) {
          if (mine.putIfAbsent("once/" + i, bytes("t" + thread)).isPresent()) {
            wins.incrementAndGet();
          }
          while (true) {
            StoredObject current = mine.get("counter").orElseThrow();
            int next = Integer.parseInt(new String(current.data(), StandardCharsets.UTF_8)) + 1;
            if (mine.putIfVersion("counter", bytes(Integer.toString(next)), current.version()).isPresent()) {
              break;
            }
          }
        }
      });
      assertEquals(25, wins.get());
      assertEquals("200", new String(second.get("counter").orElseThrow().data(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void deletingTheLastObjectOfADirectoryRemovesTheEmptyDirectories() throws Exception {
    store.put("a/b/c/d", bytes("deep"));
    store.put("a/x", bytes("sibling"));
    Path objects = directory.resolve("objects");
    assertTrue(Files.isDirectory(objects.resolve("a.d/b.d/c.d")));
    assertTrue(store.delete("a/b/c/d"));
    assertTrue(Files.notExists(objects.resolve("a.d/b.d")), "empty directories are pruned");
    assertTrue(Files.exists(objects.resolve("a.d/x.o")), "a directory that still holds an object stays");
    assertTrue(store.delete("a/x"));
    try (var left = Files.list(objects)) {
      assertEquals(List.of(), left.toList());
    }
    store.put("a/b/c/d", bytes("again"));
    assertEquals(List.of("a/b/c/d"), store.list("a/"));
  }

  @Test
  void staleTempSweepDeletesOnlyOldTempFiles() throws Exception {
    store.put("s/t/u", bytes("object"));
    Path dir = directory.resolve("objects/s.d/t.d");
    Path old = Files.write(dir.resolve("0123456789abcdef0123456789abcdef.tmp"), bytes("crashed"));
    Files.setLastModifiedTime(old, java.nio.file.attribute.FileTime.from(
        java.time.Instant.now().minus(LocalObjectStore.STALE_TEMP).minusSeconds(60)));
    Path young = Files.write(dir.resolve("fedcba9876543210fedcba9876543210.tmp"), bytes("writing"));
    assertEquals(1, ((LocalObjectStore) store).sweepStaleTempFiles(java.time.Instant.now().minus(LocalObjectStore.STALE_TEMP)));
    assertTrue(Files.notExists(old));
    assertTrue(Files.exists(young));
    assertTrue(Files.exists(dir.resolve("u.o")), "objects are never swept");
    assertEquals(List.of("s/t/u"), store.list("s/"));
  }

  @Test
  void aStreamedPutThatFailsLeavesNoTempFileAndOneThatLosesLeavesTheWinner() throws Exception {
    store.put("up/keep", bytes("sibling")); // so the directory stays and can be looked into
    org.junit.jupiter.api.Assertions.assertThrows(java.io.UncheckedIOException.class,
        () -> store.putIfAbsent("up/chunk", new java.io.ByteArrayInputStream(new byte[5]), 6));
    assertTrue(store.putIfAbsent("up/chunk", new java.io.ByteArrayInputStream(bytes("winner")), 6).isPresent());
    assertTrue(store.putIfAbsent("up/chunk", new java.io.ByteArrayInputStream(bytes("losers")), 6).isEmpty());
    try (var files = Files.list(directory.resolve("objects/up.d"))) {
      assertEquals(List.of("chunk.o", "keep.o"), files.map(f -> f.getFileName().toString()).sorted().toList());
    }
    assertEquals("winner", new String(store.get("up/chunk").orElseThrow().data(), java.nio.charset.StandardCharsets.UTF_8));
  }

  private static Process java(Class<?> main, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).start();
  }

  static byte[] sha256(byte[] data) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(data);
  }
}
