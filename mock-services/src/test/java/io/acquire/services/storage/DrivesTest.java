package io.acquire.services.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.acquire.client.wire.RequestSignature;
import io.acquire.client.wire.StorageWire;
import io.acquire.client.wire.StorageWire.CompleteUpload;
import io.acquire.services.http.ApiException;
import io.acquire.services.store.JsonObjects;
import io.acquire.services.store.StoredObject;
import io.acquire.services.testing.ForwardingStore;
import io.acquire.services.testing.MutableClock;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Chunks and completion below the HTTP layer: what completing reads back, and when. */
class DrivesTest {
  private static final int CHUNK = 64 * 1024;
  private final CountingStore store = new CountingStore();
  private final Drives drives = new Drives(new JsonObjects(store), Clock.systemUTC());
  private final Drives.DriveRecord drive = drives.open("ada", "inputs");
  private final byte[] file = random(3 * CHUNK + 7);
  private final String sha256 = RequestSignature.sha256Hex(file);
  private final String crc32c = crc32c(file);

  private static String crc32c(byte[] bytes) {
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(bytes);
    return String.format("%08x", crc.getValue());
  }

  /** The newest version's checksums as stored: its SHA-256 and CRC32C. */
  private List<String> storedSums() {
    Drives.Version newest = drives.version(drive, "f.bin", null);
    return List.of(newest.sha256(), newest.crc32c());
  }

  private static byte[] random(int size) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return bytes;
  }

  private Drives.Upload start() {
    return drives.startUpload(drive, "f.bin", file.length, null, CHUNK);
  }

  private void put(Drives.Upload upload, int n) {
    byte[] part = Arrays.copyOfRange(file, n * CHUNK, Math.min(file.length, (n + 1) * CHUNK));
    String sha = RequestSignature.sha256Hex(part);
    drives.putChunk(upload, n, new ByteArrayInputStream(part), part.length, sha, sha);
  }

  private byte[] content(long version) throws Exception {
    return drives.open(drives.version(drive, "f.bin", version), 0).readAllBytes();
  }

  @Test
  void completingAnUploadWhoseChunksCameInOrderReadsNoneBack() throws Exception {
    Drives.Upload upload = start();
    for (int n = 0; n < 4; n++) {
      put(upload, n);
    }
    store.chunkReads.set(0);
    assertEquals(sha256, drives.complete(upload, new CompleteUpload(sha256, null)).sha256());
    assertEquals(0, store.chunkReads.get(), "hashed as the chunks arrived");
    assertEquals(List.of(sha256, crc32c), storedSums());
    assertArrayEquals(file, content(1));
  }

  @Test
  void completingAnUploadWhoseChunksCameOutOfOrderReadsThemBack() throws Exception {
    Drives.Upload upload = start();
    for (int n : List.of(0, 2, 1, 3)) {
      put(upload, n);
    }
    store.chunkReads.set(0);
    assertEquals(sha256, drives.complete(upload, new CompleteUpload(sha256, null)).sha256());
    assertEquals(4, store.chunkReads.get(), "chunk 2 came before chunk 1, which did not come within the grace");
    assertEquals(List.of(sha256, crc32c), storedSums(), "read back, the same checksums");
    assertArrayEquals(file, content(1));
  }

  @Test
  void aChunkWaitsForItsPredecessorWhileThatIsStillArriving() throws Exception {
    Drives.Upload upload = start();
    put(upload, 0);
    store.slowChunk = 1;
    CompletableFuture<Void> first = CompletableFuture.runAsync(() -> put(upload, 1));
    while (store.slowStarted.get() == 0) {
      Thread.onSpinWait();
    }
    put(upload, 2); // stored while chunk 1 is still being written; waits to be hashed after it
    first.join();
    put(upload, 3);
    store.chunkReads.set(0);
    assertEquals(sha256, drives.complete(upload, new CompleteUpload(sha256, null)).sha256());
    assertEquals(0, store.chunkReads.get());
  }

  @Test
  void aChunkThatOvertakesTheOneBeforeItIsStoredAtOnceAndHashedAfterIt() throws Exception {
    Drives.Upload upload = start();
    Thread second = new Thread(() -> put(upload, 1));
    second.start();
    while (second.getState() != Thread.State.TIMED_WAITING) {
      Thread.onSpinWait(); // chunk 1 came first: stored, its answer waits for chunk 0 to be hashed
    }
    assertEquals(1, store.chunkWrites.get(), "receiving is not held up by hashing");
    assertEquals(0, store.chunkReads.get());
    put(upload, 0);
    second.join();
    assertEquals(1, store.chunkReads.get(), "chunk 1, read back once chunk 0 was in the hash");
    put(upload, 2);
    put(upload, 3);
    store.chunkReads.set(0);
    assertEquals(sha256, drives.complete(upload, new CompleteUpload(sha256, null)).sha256());
    assertEquals(0, store.chunkReads.get());
    assertEquals(List.of(sha256, crc32c), storedSums(), "caught up from the store, the same checksums");
  }

  @Test
  void theRunningHashStillCatchesAWrongFileChecksum() {
    Drives.Upload upload = start();
    for (int n = 0; n < 4; n++) {
      put(upload, n);
    }
    String wrong = RequestSignature.sha256Hex(new byte[1]);
    ApiException refused = assertThrows(ApiException.class, () -> drives.complete(upload, new CompleteUpload(wrong, null)));
    assertEquals(400, refused.status());
    assertEquals(sha256, drives.complete(upload, new CompleteUpload(sha256, null)).sha256(), "the chunks are still there to complete with");
  }

  private List<String> chunkSums() {
    List<String> sums = new java.util.ArrayList<>();
    for (int n = 0; n < 4; n++) {
      sums.add(RequestSignature.sha256Hex(Arrays.copyOfRange(file, n * CHUNK, Math.min(file.length, (n + 1) * CHUNK))));
    }
    return sums;
  }

  @Test
  void theChunksSha256CompletesAnUploadAndTheVersionStillCarriesTheFilesSha256() throws Exception {
    for (List<Integer> order : List.of(List.of(0, 1, 2, 3), List.of(3, 2, 1, 0))) {
      Drives.Upload upload = start();
      for (int n : order) {
        put(upload, n);
      }
      List<String> swapped = new java.util.ArrayList<>(chunkSums());
      java.util.Collections.swap(swapped, 1, 2);
      ApiException refused = assertThrows(ApiException.class,
          () -> drives.complete(upload, new CompleteUpload(null, StorageWire.chunksSha256(swapped))));
      assertEquals(400, refused.status());
      assertEquals(true, refused.getMessage().contains("Chunks checksum mismatch"), refused.getMessage());
      assertEquals(sha256, drives.complete(upload, new CompleteUpload(null, StorageWire.chunksSha256(chunkSums())))
          .sha256(), "published with the file's own SHA-256, whatever order the chunks came in");
    }
    assertArrayEquals(file, content(2));
  }

  @Test
  void aChunkIsWrittenOnce() throws Exception {
    Drives.Upload upload = start();
    put(upload, 0);
    put(upload, 0); // the same bytes again, as a retry sends them: harmless
    byte[] other = random(CHUNK);
    String otherSha = RequestSignature.sha256Hex(other);
    ApiException refused = assertThrows(ApiException.class, () -> drives.putChunk(upload, 0, new ByteArrayInputStream(other), other.length, otherSha, otherSha));
    assertEquals(409, refused.status());
    for (int n = 1; n < 4; n++) {
      put(upload, n);
    }
    assertEquals(sha256, drives.complete(upload, new CompleteUpload(sha256, null)).sha256());
    assertArrayEquals(file, content(1));
  }

  @Test
  void aChunkCutOffMidStreamStoresNothingAndItsResendStillCompletes() throws Exception {
    Drives.Upload upload = start();
    put(upload, 0);
    byte[] part = Arrays.copyOfRange(file, CHUNK, 2 * CHUNK);
    String sha = RequestSignature.sha256Hex(part);
    InputStream cutOff = new java.io.FilterInputStream(new ByteArrayInputStream(part, 0, CHUNK / 2)) {
      @Override
      public int read(byte[] buffer, int offset, int length) throws java.io.IOException {
        int n = super.read(buffer, offset, length);
        if (n < 0) {
          throw new java.io.EOFException("connection closed");
        }
        return n;
      }
    };
    assertThrows(java.io.UncheckedIOException.class, () -> drives.putChunk(upload, 1, cutOff, CHUNK, sha, sha));
    assertEquals(List.of(0), drives.received(upload), "half a chunk is not a chunk");
    for (int n = 1; n < 4; n++) {
      put(upload, n);
    }
    store.chunkReads.set(0);
    assertEquals(sha256, drives.complete(upload, new CompleteUpload(sha256, null)).sha256());
    assertEquals(4, store.chunkReads.get(), "half of chunk 1 went into the running hash, so completion reads back");
    assertArrayEquals(file, content(1));
  }

  /** Counts reads of chunks; can make one chunk's write slow. */
  @Test
  void completingOnAPathWithALongHistoryReadsOnlyItsNewestVersionsAndCompletingTwiceStillFindsItsOwn() throws Exception {
    MutableClock clock = MutableClock.ofNow();
    Drives drives = new Drives(new JsonObjects(store), clock);
    Drives.DriveRecord drive = drives.open("grace", "history");
    Drives.Upload first = drives.startUpload(drive, "f.bin", file.length, null, CHUNK);
    drives.write(drive, "g.bin", new ByteArrayInputStream(file), file.length); // elsewhere, to be skipped
    for (int i = 0; i < 40; i++) { // a history from before the next upload began
      assertEquals(i + 1, drives.write(drive, "f.bin", new ByteArrayInputStream(file), file.length).version());
      clock.advance(Duration.ofMinutes(1));
    }
    Drives.Upload upload = drives.startUpload(drive, "f.bin", file.length, null, CHUNK);
    for (Drives.Upload u : List.of(first, upload)) {
      for (int n = 0; n < 4; n++) {
        byte[] part = Arrays.copyOfRange(file, n * CHUNK, Math.min(file.length, (n + 1) * CHUNK));
        String sha = RequestSignature.sha256Hex(part);
        drives.putChunk(u, n, new ByteArrayInputStream(part), part.length, sha, sha);
      }
    }
    store.versionReads.set(0);
    assertEquals(41, drives.complete(upload, new CompleteUpload(sha256, null)).version());
    assertTrue(store.versionReads.get() <= 25, "read " + store.versionReads.get() + " versions: back to 10 minutes "
        + "before the upload began, twice, not all 40 twice");

    assertEquals(42, drives.complete(first, new CompleteUpload(sha256, null)).version(), "an old upload completes late");
    assertEquals(42, drives.complete(first, new CompleteUpload(sha256, null)).version(), "found by walking back");
    assertEquals(41, drives.complete(upload, new CompleteUpload(sha256, null)).version(), "published once");
  }

  @Test
  void completingKnowsByTheUploadsMarkWhetherItWasPublishedWithoutReadingThePathsRecentVersions() throws Exception {
    for (int i = 0; i < 30; i++) { // a history within the clock margin: walking it would read every version
      drives.write(drive, "f.bin", new ByteArrayInputStream(file), file.length);
    }
    Drives.Upload upload = start();
    for (int n = 0; n < 4; n++) {
      put(upload, n);
    }
    store.versionReads.set(0);
    assertEquals(31, drives.complete(upload, new CompleteUpload(sha256, null)).version());
    assertEquals(0, store.versionReads.get(), "no mark, so never published: no version read");
    assertEquals(31, drives.complete(upload, new CompleteUpload(sha256, null)).version(), "published once");
    assertEquals(1, store.versionReads.get(), "the mark names the version: one read");

    // A mark naming another upload's version (an attempt that lost its number to another
    // upload and stopped before trying the next): the versions are walked, nothing new published.
    new JsonObjects(store).put("storage/publishing/" + upload.id(), new Drives.Publishing(5L));
    assertEquals(31, drives.complete(upload, new CompleteUpload(sha256, null)).version(), "found by walking");
    assertEquals(31, drives.versions(drive, "f.bin").size());
  }

  private static final class CountingStore extends ForwardingStore {
    final AtomicInteger chunkReads = new AtomicInteger();
    final AtomicInteger versionReads = new AtomicInteger();
    final AtomicInteger slowStarted = new AtomicInteger();
    final AtomicInteger chunkWrites = new AtomicInteger();
    volatile int slowChunk = -1;

    @Override
    public Optional<StoredObject> get(String key) {
      if (key.startsWith("storage/chunks/")) {
        chunkReads.incrementAndGet();
      }
      if (key.startsWith("storage/files/")) {
        versionReads.incrementAndGet();
      }
      return super.get(key);
    }

    @Override
    public Optional<String> putIfAbsent(String key, byte[] data) {
      if (key.startsWith("storage/chunks/")) {
        chunkWrites.incrementAndGet();
      }
      if (key.startsWith("storage/chunks/") && key.endsWith(String.format("/%06d", slowChunk))) {
        slowStarted.incrementAndGet();
        try {
          Thread.sleep(300);
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }
      return super.putIfAbsent(key, data);
    }
  }
}
