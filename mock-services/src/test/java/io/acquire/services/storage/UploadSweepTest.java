package io.acquire.services.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.acquire.client.wire.RequestSignature;
import io.acquire.client.wire.StorageWire.CompleteUpload;
import io.acquire.services.http.ApiException;
import io.acquire.services.store.JsonObjects;
import io.acquire.services.store.MemoryObjectStore;
import io.acquire.services.testing.MutableClock;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Uploads left unfinished expire, and are swept with their chunks; finished ones stay. */
class UploadSweepTest {
  private final MemoryObjectStore store = new MemoryObjectStore();
  private final MutableClock clock = MutableClock.ofNow();
  private final Drives drives = new Drives(new JsonObjects(store), clock);
  private final Drives.DriveRecord drive = drives.open("ada", "inputs");
  private final byte[] bytes = "half of what was promised".getBytes(StandardCharsets.UTF_8);
  private final String sha256 = RequestSignature.sha256Hex(bytes);

  private Drives.Upload startWithItsChunk(String path) {
    Drives.Upload upload = drives.startUpload(drive, path, bytes.length, sha256, 64 * 1024);
    drives.putChunk(upload, 0, new ByteArrayInputStream(bytes), bytes.length, sha256, sha256);
    return upload;
  }

  @Test
  void anUnfinishedUploadIsSweptWithItsChunksOnlyOnceItsLifetimeAndTheMarginHavePassed() {
    Drives.Upload abandoned = startWithItsChunk("abandoned.txt");
    clock.advance(Drives.UPLOAD_LIFETIME.plus(Drives.SWEEP_MARGIN).minusMinutes(1));
    assertEquals(0, drives.sweepAbandoned(), "within the margin nothing is swept");
    assertTrue(store.get("storage/uploads/" + abandoned.id()).isPresent());

    clock.advance(Duration.ofMinutes(2));
    assertEquals(1, drives.sweepAbandoned());
    assertTrue(store.get("storage/uploads/" + abandoned.id()).isEmpty(), "the upload's record is gone");
    assertEquals(0, store.list("storage/chunks/" + abandoned.id() + "/").size(), "and its chunks");
    assertTrue(drives.upload(abandoned.id()).isEmpty());
  }

  @Test
  void aCompletedUploadIsKeptSinceItsChunksAreItsVersionsBytes() throws Exception {
    Drives.Upload done = startWithItsChunk("kept.txt");
    drives.complete(done, new CompleteUpload(sha256, null));
    clock.advance(Drives.UPLOAD_LIFETIME.plus(Drives.SWEEP_MARGIN).plusDays(30));
    assertEquals(0, drives.sweepAbandoned());
    assertArrayEquals(bytes, drives.open(drives.version(drive, "kept.txt", null), 0).readAllBytes());
    assertEquals(sha256, drives.complete(done, new CompleteUpload(sha256, null)).sha256(),
        "completing it again still answers with its version");
  }

  @Test
  void anExpiredUploadTakesNoMoreChunksAndCannotBeCompleted() {
    Drives.Upload late = drives.startUpload(drive, "late.txt", bytes.length, sha256, 64 * 1024);
    clock.advance(Drives.UPLOAD_LIFETIME);
    ApiException chunk = assertThrows(ApiException.class,
        () -> drives.putChunk(late, 0, new ByteArrayInputStream(bytes), bytes.length, sha256, sha256));
    assertEquals(409, chunk.status());
    assertTrue(chunk.getMessage().contains("start a new upload of late.txt"), chunk.getMessage());
    ApiException complete = assertThrows(ApiException.class, () -> drives.complete(late, new CompleteUpload(sha256, null)));
    assertEquals(409, complete.status());
    assertEquals(0, store.list("storage/chunks/" + late.id() + "/").size(), "the refused chunk was not stored");
  }
}
