package io.acquire.client;

import io.acquire.client.internal.HashingPipe;
import io.acquire.client.internal.Transport;
import io.acquire.client.internal.Transport.Safety;
import io.acquire.client.wire.RequestSignature;
import io.acquire.client.wire.SharingWire;
import io.acquire.client.wire.SharingWire.AccessList;
import io.acquire.client.wire.SharingWire.LinkList;
import io.acquire.client.wire.SharingWire.Share;
import io.acquire.client.wire.StorageWire;
import io.acquire.client.wire.StorageWire.CompleteUpload;
import io.acquire.client.wire.StorageWire.DriveInfo;
import io.acquire.client.wire.StorageWire.Archive;
import io.acquire.client.wire.StorageWire.Delete;
import io.acquire.client.wire.StorageWire.DriveList;
import io.acquire.client.wire.StorageWire.Extend;
import io.acquire.client.wire.StorageWire.PaymentList;
import io.acquire.client.wire.StorageWire.SetAccount;
import io.acquire.client.wire.StorageWire.FileList;
import io.acquire.client.wire.StorageWire.OpenDrive;
import io.acquire.client.wire.StorageWire.StartUpload;
import io.acquire.client.wire.StorageWire.UploadStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;
import okhttp3.Response;

/**
 * A drive: a named, versioned tree of files on the storage service.
 *
 * <pre>{@code
 * Drive inputs = Drive.open(user, "inputs");
 * inputs.upload(Path.of("argon.json"), "md/argon.json");      // version 1, 2, … on each upload
 * inputs.files();                                             // path, version, size, SHA-256, time
 * inputs.download("md/argon.json", Path.of("copy.json"));
 * }</pre>
 *
 * <p>Files move in checksummed chunks (8 MiB) streamed from and to disk in slices of 64
 * KiB (uploads) and 256 KiB (downloads), so memory stays small whatever the file size. An upload runs on threads of its own (one
 * reads and hashes the file, four stream chunks); its progress is reported from them, one
 * update at a time. An interrupted upload resumes with
 * {@link #resumeUpload} (the {@link UploadInterruptedException} names the upload); a download is written to a temporary file, checked
 * against the file's checksum, then moved into place, so a failed download never leaves a
 * torn file.
 */
public final class Drive {
  /** Chunks uploaded at once. */
  private static final int IN_FLIGHT = 4;
  private static final int SLICE = 64 * 1024;
  /** The chunk size this client asks for (the service's default), so it can hash before the upload has started. */
  private static final int CHUNK = 8 * 1024 * 1024;

  private final Transport storage;
  private final DriveInfo info;
  private final User user;
  /** The drive's encryption, looked up at its first transfer: empty for a plain drive. */
  private volatile java.util.Optional<EncryptedTransfers> encryption;

  private Drive(Transport storage, DriveInfo info, User user) {
    this.storage = storage;
    this.info = info;
    this.user = user;
  }

  /** Reports how many bytes of how many have moved. */
  @FunctionalInterface
  public interface Progress {
    Progress NONE = (done, total) -> { };

    void update(long done, long total);
  }

  /** The user's drive called {@code name}, created if it does not exist. */
  public static Drive open(User user, String name) {
    Transport storage = user.signedTransport("storage");
    return new Drive(storage, storage.post("/drives", new OpenDrive(name), DriveInfo.class, Safety.SAFE), user);
  }

  /**
   * The user's drive called {@code name}, created paid for by {@code payer} if it does not
   * exist (an existing drive keeps its payer: see {@link #payFrom}). Uploads are paid a year
   * ahead from that account at the storage price (see {@link Job#prices}).
   */
  public static Drive open(User user, String name, Account payer) {
    Objects.requireNonNull(payer, "payer == null");
    Transport storage = user.signedTransport("storage");
    return new Drive(storage, storage.post("/drives", new OpenDrive(name, payer.id()), DriveInfo.class, Safety.SAFE),
        user);
  }

  /**
   * The user's client-side encrypted drive called {@code name}, created if it does not
   * exist: the SDK encrypts every file before it leaves and decrypts it after it arrives
   * (Tink streaming AEAD), so storage never sees plaintext or a data key. Sharing wraps the
   * drive's key for each reader's public key; unsharing makes a new key for later versions.
   * The user needs a {@link Wallet}, which keeps their private key. See
   * docs/encrypted-drives.md.
   *
   * @throws IllegalStateException if a plain drive of this name already holds files
   */
  public static Drive openEncrypted(User user, String name) {
    user.encryptionKeyPair(); // the wallet first: no drive is made that its owner could not read
    return open(user, name).encrypt();
  }

  /** {@link #openEncrypted(User, String)}, paid for by {@code payer} if it is created. */
  public static Drive openEncrypted(User user, String name, Account payer) {
    user.encryptionKeyPair();
    return open(user, name, payer).encrypt();
  }

  private Drive encrypt() {
    DriveKeyring keyring = DriveKeyring.fetch(storage, user, id(), owner());
    if (!keyring.encrypted()) {
      if (!files().isEmpty()) {
        throw new IllegalStateException("Drive " + name() + " already holds unencrypted files, and a drive is "
            + "encrypted from the start or not at all; choose another name for the encrypted drive.");
      }
      keyring.create();
    }
    encryption = java.util.Optional.of(new EncryptedTransfers(storage, user, id(), keyring));
    return this;
  }

  /** True if the drive is client-side encrypted ({@link #openEncrypted}); asks storage the first time. */
  public boolean isEncrypted() {
    return encryption().isPresent();
  }

  private java.util.Optional<EncryptedTransfers> encryption() {
    java.util.Optional<EncryptedTransfers> known = encryption;
    if (known == null) {
      DriveKeyring keyring = DriveKeyring.fetch(storage, user, id(), owner());
      known = keyring.encrypted() ? java.util.Optional.of(new EncryptedTransfers(storage, user, id(), keyring))
          : java.util.Optional.empty();
      encryption = known;
    }
    return known;
  }

  /** A drive by its id: one of the user's, one shared with them, or one the session's scope grants (a job's drives). */
  public static Drive byId(User user, String id) {
    Objects.requireNonNull(id, "id == null");
    Transport storage = user.signedTransport("storage");
    return new Drive(storage, storage.get("/drives/" + URLEncoder.encode(id, StandardCharsets.UTF_8), DriveInfo.class),
        user);
  }

  public static List<Drive> list(User user) {
    Transport storage = user.signedTransport("storage");
    return storage.get("/drives", DriveList.class).drives().stream().map(d -> new Drive(storage, d, user)).toList();
  }

  public String id() {
    return info.id();
  }

  public String name() {
    return info.name();
  }

  /** True for a job's output drive, which its owner can read but not change. */
  public boolean isReadOnly() {
    return info.readOnly();
  }

  /** The id of the account that pays for this drive's storage, or null if none is named. */
  public String payer() {
    return info.account();
  }

  /** When the earliest paid period of the drive's files ends (as last fetched); null while nothing is paid for. */
  public Instant paidUntil() {
    return info.paidUntil();
  }

  /** True once {@link #paidUntil()} has passed: the drive is read-only (still downloadable) until extended. */
  public boolean isFrozen() {
    return info.frozen();
  }

  /** The service's notice that the paid period ends soon, or has ended; empty otherwise. */
  public java.util.Optional<String> notice() {
    return java.util.Optional.ofNullable(info.notice());
  }

  /** When the drive's unpaid files are deleted if it is not extended; null while nothing is paid for. */
  public Instant deletesAt() {
    return info.deletesAt();
  }

  /** The drive as the service sees it now (payer, paid period, frozen, notice). */
  public Drive refresh() {
    return new Drive(storage, storage.get(base(), DriveInfo.class), user);
  }

  /** Pays for this drive's storage from {@code account} from now on; what was paid stays paid (and refunded) as it was. */
  public Drive payFrom(Account account) {
    Objects.requireNonNull(account, "account == null");
    return new Drive(storage, storage.put(base() + "/account", new SetAccount(account.id()), DriveInfo.class,
        Safety.SAFE), user);
  }

  /**
   * Deletes one version of a file; its unused paid time is refunded pro rata to the account
   * that paid it (see {@link StorageCharge#refunded()} and the account's statement).
   */
  public StorageCharge delete(String path, long version) {
    return StorageCharge.from(storage.post(base() + "/delete", new Delete(path, version, null),
        StorageWire.StorageCharge.class, Safety.UNSAFE));
  }

  /**
   * What deleting every version of {@code path} would refund now, deleting nothing: show it
   * before asking the person to confirm. The deletion itself refunds this or, as paid time
   * runs on, slightly less.
   */
  public StorageCharge refundIfDeleted(String path) {
    return StorageCharge.from(storage.post(base() + "/delete/quote", new Delete(path, null, null),
        StorageWire.StorageCharge.class, Safety.SAFE));
  }

  /** Deletes every version of a file, each refunded as {@link #delete(String, long)}. */
  public StorageCharge delete(String path) {
    return StorageCharge.from(storage.post(base() + "/delete", new Delete(path, null, null),
        StorageWire.StorageCharge.class, Safety.UNSAFE));
  }

  /** Deletes every file under a folder, each version refunded as {@link #delete(String, long)}. */
  public StorageCharge deleteFolder(String folder) {
    return StorageCharge.from(storage.post(base() + "/delete", new Delete(null, null, folder),
        StorageWire.StorageCharge.class, Safety.UNSAFE));
  }

  /** Deletes the whole drive (a job's outputs too), each version refunded; its name may then be used again. */
  public StorageCharge deleteDrive() {
    return StorageCharge.from(io.acquire.client.wire.Json.read(
        storage.call("DELETE", base(), null, Safety.UNSAFE, Map.of()).body(), StorageWire.StorageCharge.class));
  }

  /**
   * Pays {@code years} more whole years for every file of the drive, from the end of each
   * one's paid time, from the drive's account. A frozen drive is writable again once every
   * file is paid for. Safe to retry: one call pays once.
   */
  public StorageCharge extend(int years) {
    return StorageCharge.from(storage.post(base() + "/extend",
        new Extend(years, java.util.UUID.randomUUID().toString()), StorageWire.StorageCharge.class, Safety.SAFE));
  }

  /**
   * Moves every file under {@code folder} (the whole drive if empty) to the archive tier:
   * each pays the archive price once and stays for 15 years, its unused yearly time is
   * refunded; archived files are read-only and must be {@link #restore restored} to be read.
   */
  public StorageCharge archive(String folder) {
    return StorageCharge.from(storage.post(base() + "/archive", new Archive(folder),
        StorageWire.StorageCharge.class, Safety.SAFE));
  }

  /** Makes an archived version downloadable for 7 days, at no charge. */
  public StoragePayment restore(String path, long version) {
    return StoragePayment.from(storage.post(base() + "/restore", new Delete(path, version, null),
        StorageWire.Payment.class, Safety.SAFE));
  }

  /** What each file version (deleted ones too) paid: account, tier, paid until, paid and refunded. */
  public List<StoragePayment> payments() {
    return storage.get(base() + "/payments", PaymentList.class).payments().stream().map(StoragePayment::from).toList();
  }

  private String base() {
    return "/drives/" + URLEncoder.encode(info.id(), StandardCharsets.UTF_8);
  }

  /**
   * Publishes the newest version of every file in this drive (for a job's outputs: all of
   * them) with a persistent identifier and a public landing page; see {@link Publication}.
   * Only the drive's owner may publish it.
   *
   * @param creators people as "Family, Given", organisations by name; at least one
   */
  public Publication publish(String title, List<String> creators, String description) {
    return Publication.publish(storage, id(), "", title, creators, description);
  }

  /** Like {@link #publish(String, List, String)}, for the files under {@code folder} only (paths relative to it). */
  public Publication publishFolder(String folder, String title, List<String> creators, String description) {
    Objects.requireNonNull(folder, "folder == null");
    return Publication.publish(storage, id(), folder, title, creators, description);
  }

  public FileVersion upload(Path file, String path) {
    return upload(file, path, Progress.NONE);
  }

  /**
   * Uploads {@code file} as the next version of {@code path}.
   *
   * @throws IllegalArgumentException if {@code file} is not a readable regular file
   */
  public FileVersion upload(Path file, String path, Progress progress) {
    Path absolute = file.toAbsolutePath();
    if (!Files.isRegularFile(absolute) || !Files.isReadable(absolute)) {
      throw new IllegalArgumentException((Files.isDirectory(absolute) ? "Cannot upload a directory: "
          : Files.exists(absolute) ? "Cannot read the file to upload: " : "No file to upload at ") + absolute
          + (file.isAbsolute() ? "." : " (relative paths start from " + Path.of("").toAbsolutePath() + ")."));
    }
    long size;
    try {
      size = Files.size(absolute);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the size of " + absolute + ": " + e.getMessage(), e);
    }
    if (encryption().isPresent()) {
      return FileVersion.from(encryption().get().upload(absolute, size, path, progress));
    }
    // No hash of the file up front: completion carries it, computed as the chunks go out. The
    // client names the chunk size, so hashing starts at once; the start waits only for the
    // first chunk's, so that its store URL comes with the answer.
    UploadStatus layout = new UploadStatus(null, path, size, null, CHUNK, (int) Math.max(1, (size + CHUNK - 1) / CHUNK),
        List.of(), false);
    return send(layout, firstChunk -> storage.post("/drives/" + id() + "/uploads", new StartUpload(path, size, null,
        CHUNK, List.of(new StorageWire.ChunkSum(0, firstChunk.get()))), UploadStatus.class, Safety.UNSAFE), file,
        progress);
  }

  /**
   * Writes {@code content} (at most 15 MiB) as the next version of {@code path} in one
   * request, checked against its SHA-256 by the service. For small files such as settings
   * and records; larger files go through {@link #upload}. Not retried (each write is a new
   * version).
   */
  public FileVersion write(String path, byte[] content) {
    Objects.requireNonNull(content, "content == null");
    if (encryption().isPresent()) {
      content = encryption().get().encrypt(Objects.requireNonNull(path, "path == null"), content);
    }
    String digest = RequestSignature.sha256Hex(content);
    Transport.Reply reply = storage.call("PUT", "/drives/" + id() + "/files?path="
        + URLEncoder.encode(Objects.requireNonNull(path, "path == null"), StandardCharsets.UTF_8), content, digest,
        Safety.UNSAFE, Map.of(StorageWire.FILE_SHA256_HEADER, digest));
    return FileVersion.from(io.acquire.client.wire.Json.read(reply.body(), StorageWire.FileVersion.class));
  }

  /** Finishes an interrupted upload: sends only the chunks the service does not have. */
  public FileVersion resumeUpload(String uploadId, Path file, Progress progress) {
    if (encryption().isPresent()) {
      return FileVersion.from(encryption().get().resume(uploadId, file, progress));
    }
    UploadStatus upload = storage.get("/drives/" + id() + "/uploads/" + uploadId, UploadStatus.class);
    return send(upload, firstChunk -> upload, file, progress);
  }

  /**
   * Sends the chunks the service lacks. One thread reads the file in order, hashing each
   * chunk while its bytes are in the cache, from the moment the upload is being started
   * ({@code start}, on this thread; {@code layout} has the chunks' sizes); {@value #IN_FLIGHT}
   * senders stream the hashed chunks from the file, so that one crosses the network while
   * the service stores and syncs another. Hashing runs ahead of the senders, so that the next
   * chunks' store URLs are in hand before a sender is free. No chunk is ever held in memory:
   * each is read twice, from the page cache, in {@value #SLICE}-byte slices. If the file
   * changes between the two reads, the service (or the store) finds the chunk not matching
   * its hash and keeps nothing of it. Completion sends the chunks' SHA-256 rather than the
   * file's, which would cost a second hash of every byte, unless the chunks go straight to
   * the store: then the file's SHA-256 is hashed on a thread of its own, beside the chunks'.
   */
  private FileVersion send(UploadStatus layout, Start start, Path file, Progress progress) {
    AtomicBoolean stop = new AtomicBoolean();
    CompletableFuture<String> firstChunk = new CompletableFuture<>();
    CompletableFuture<UploadStatus> started = new CompletableFuture<>();
    BlockingQueue<HashedChunk> hashed = new LinkedBlockingQueue<>();
    ExecutorService threads = Executors.newFixedThreadPool(IN_FLIGHT + 2, runnable -> {
      Thread thread = new Thread(runnable, "acquire-upload");
      thread.setDaemon(true);
      return thread;
    });
    try {
      Future<CompleteUpload> sums = threads.submit(() -> hashChunks(layout, firstChunk, started, file, hashed, stop));
      Future<String> whole = threads.submit(() -> wholeSha256(layout, started, file, stop));
      UploadStatus upload;
      try {
        upload = start.call(firstChunk);
      } catch (Exception e) {
        stop.set(true);
        started.completeExceptionally(e);
        Throwable cause = e instanceof ExecutionException hashing ? hashing.getCause() : e;
        throw cause instanceof RuntimeException runtime ? runtime
            : cause instanceof IOException io ? new UncheckedIOException("Cannot read " + file + ": " + io.getMessage(), io)
            : new IllegalStateException(cause);
      }
      if (upload.chunkSize() != layout.chunkSize() || upload.size() != layout.size()) {
        stop.set(true);
        started.completeExceptionally(new IllegalStateException("upload layout differs"));
        throw new InvalidResponseException(200, "The service started upload " + upload.id() + " with chunks of "
            + upload.chunkSize() + " bytes, not the " + layout.chunkSize() + " asked for.", null);
      }
      started.complete(upload);
      long alreadyDone = 0;
      for (int n : upload.received()) {
        alreadyDone += chunkLength(upload, n);
      }
      AtomicLong done = new AtomicLong(alreadyDone);
      List<Future<?>> senders = new ArrayList<>();
      for (int i = 0; i < IN_FLIGHT; i++) {
        senders.add(threads.submit(() -> {
          sendChunks(upload, file, hashed, stop, done, progress);
          return null;
        }));
      }
      // Every thread is waited for: after a failure the others stop taking chunks but finish
      // the ones on the wire, so that a resume has only what is really missing to send.
      RuntimeException failure = null;
      CompleteUpload completion = null;
      for (Future<?> task : senders) {
        try {
          await(task, upload, stop);
        } catch (RuntimeException e) {
          failure = failure == null ? e : failure;
        }
      }
      String fileSha256 = null;
      try {
        completion = await(sums, upload, stop);
        fileSha256 = await(whole, upload, stop);
      } catch (RuntimeException e) {
        failure = failure == null ? e : failure;
      }
      if (failure != null) {
        throw failure;
      }
      completion = new CompleteUpload(fileSha256, completion.chunksSha256());
      return FileVersion.from(storage.post("/drives/" + id() + "/uploads/" + upload.id() + "/complete",
          completion, StorageWire.FileVersion.class, Safety.SAFE));
    } finally {
      threads.shutdownNow();
    }
  }

  /**
   * A chunk ready to send, with its URL in the store if it goes there directly; {@code n < 0}
   * tells a sender that there are no more.
   */
  private record HashedChunk(int n, String sha256, StorageWire.DirectUrl url) {
    static final HashedChunk END = new HashedChunk(-1, null, null);
  }

  /** Starts the upload, given the first chunk's SHA-256 once it is hashed, or resumes it. */
  private interface Start {
    UploadStatus call(Future<String> firstChunkSha256) throws Exception;
  }

  /** How many hashed chunks share one request for their store URLs (64 MiB of default chunks). */
  private static final int URL_BATCH = 2 * IN_FLIGHT;
  /**
   * The first request for URLs covers the chunks up to this one, so that every sender has one
   * soon; chunk 0's URL comes with the start.
   */
  private static final int FIRST_BATCH = IN_FLIGHT;

  /**
   * Reads the file once, in order: hashes every chunk, hands those the service lacks (once
   * the upload has {@code started}) to the senders, and returns the chunks' SHA-256 for
   * completion ({@link StorageWire#chunksSha256}), or null if another thread failed first.
   */
  private CompleteUpload hashChunks(UploadStatus layout, CompletableFuture<String> firstChunk,
      Future<UploadStatus> started, Path file, BlockingQueue<HashedChunk> hashed, AtomicBoolean stop)
      throws IOException, InterruptedException {
    List<String> sums = new ArrayList<>();
    byte[] slice = new byte[SLICE];
    List<StorageWire.ChunkSum> batch = new ArrayList<>();
    UploadStatus upload = null;
    Set<Integer> received = Set.of();
    Map<Integer, StorageWire.DirectUrl> given = Map.of();
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      for (int n = 0; n < layout.chunks() && !stop.get(); n++) {
        MessageDigest chunk = sha256Digest();
        long position = (long) n * layout.chunkSize();
        for (long at = 0, length = chunkLength(layout, n); at < length; ) {
          int count = read(channel, slice, position + at, (int) Math.min(SLICE, length - at), file, layout);
          chunk.update(slice, 0, count);
          at += count;
        }
        sums.add(HexFormat.of().formatHex(chunk.digest()));
        firstChunk.complete(sums.get(0));
        batch.add(new StorageWire.ChunkSum(n, sums.get(n)));
        if (n == 0 || n == FIRST_BATCH || (n > FIRST_BATCH && (n - FIRST_BATCH) % URL_BATCH == 0)
            || n == layout.chunks() - 1) {
          if (upload == null) {
            upload = startedOrNull(started);
            if (upload == null) {
              return null; // starting failed: the caller reports it
            }
            received = new HashSet<>(upload.received());
            given = upload.urls().isEmpty() ? Map.of() : Map.of(0, upload.urls().get(0));
          }
          Set<Integer> have = received;
          batch.removeIf(sum -> have.contains(sum.n()));
          if (!batch.isEmpty()) {
            handOverBatch(upload, batch, given, hashed, stop);
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      firstChunk.completeExceptionally(e);
      throw e;
    } finally {
      firstChunk.completeExceptionally(new IllegalStateException("the upload stopped before its first chunk was hashed"));
      for (int i = 0; i < IN_FLIGHT; i++) {
        handOver(hashed, HashedChunk.END, stop);
      }
    }
    return stop.get() ? null : new CompleteUpload(null, StorageWire.chunksSha256(sums));
  }

  /**
   * The whole file's SHA-256 when the chunks go straight to the store, where the service
   * never sees their bytes to hash them; null (and no hashing) when they go through it.
   */
  private static String wholeSha256(UploadStatus layout, CompletableFuture<UploadStatus> started,
      Path file, AtomicBoolean stop) throws IOException, InterruptedException {
    MessageDigest whole = sha256Digest();
    byte[] slice = new byte[SLICE];
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      for (long at = 0; at < layout.size() && !stop.get(); ) {
        if (started.isDone() && (started.isCompletedExceptionally() || !started.join().direct())) {
          return null;
        }
        int count = read(channel, slice, at, (int) Math.min(SLICE, layout.size() - at), file, layout);
        whole.update(slice, 0, count);
        at += count;
      }
    }
    UploadStatus upload = startedOrNull(started);
    return upload == null || !upload.direct() || stop.get() ? null : HexFormat.of().formatHex(whole.digest());
  }

  /** The started upload, or null if starting it failed (the thread that started it reports why). */
  private static UploadStatus startedOrNull(Future<UploadStatus> started) throws InterruptedException {
    try {
      return started.get();
    } catch (ExecutionException e) {
      return null;
    }
  }

  /**
   * Queues hashed chunks for the senders; with one request for their store URLs first when
   * they go there directly, instead of one per chunk.
   */
  private void handOverBatch(UploadStatus upload, List<StorageWire.ChunkSum> batch,
      Map<Integer, StorageWire.DirectUrl> given, BlockingQueue<HashedChunk> hashed, AtomicBoolean stop)
      throws InterruptedException {
    Map<Integer, StorageWire.DirectUrl> urls = new HashMap<>(given);
    List<StorageWire.ChunkSum> asked = batch.stream().filter(sum -> !given.containsKey(sum.n())).toList();
    if (upload.direct() && !asked.isEmpty() && !stop.get()) {
      try {
        List<StorageWire.DirectUrl> answered = ChunkPuts.urls(storage, "/drives/" + id() + "/uploads/" + upload.id(),
            asked);
        for (int i = 0; i < asked.size(); i++) {
          urls.put(asked.get(i).n(), answered.get(i));
        }
      } catch (AcquireException e) {
        throw new UploadInterruptedException(upload.id(), "Upload " + upload.id() + " of " + upload.path()
            + " stopped before chunk " + asked.get(0).n() + " (" + e.getMessage() + "); call resumeUpload(\""
            + upload.id() + "\", file, progress) to finish it.", e);
      }
    }
    for (StorageWire.ChunkSum sum : batch) {
      handOver(hashed, new HashedChunk(sum.n(), sum.sha256(), upload.direct() ? urls.get(sum.n()) : null), stop);
    }
    batch.clear();
  }

  /** Queues for the senders, giving up once the upload is stopping (the senders may be gone). */
  private static void handOver(BlockingQueue<HashedChunk> hashed, HashedChunk chunk, AtomicBoolean stop)
      throws InterruptedException {
    while (!hashed.offer(chunk, 50, java.util.concurrent.TimeUnit.MILLISECONDS)) {
      if (stop.get()) {
        return;
      }
    }
  }

  /** The next chunk to send, or {@link HashedChunk#END} once there are none or the upload is stopping. */
  private static HashedChunk next(BlockingQueue<HashedChunk> hashed, AtomicBoolean stop) throws InterruptedException {
    while (!stop.get()) {
      HashedChunk chunk = hashed.poll(50, java.util.concurrent.TimeUnit.MILLISECONDS);
      if (chunk != null) {
        return chunk;
      }
    }
    return HashedChunk.END;
  }

  /** Reads up to {@code length} bytes at {@code position}; at least one, or the file is too short. */
  private static int read(FileChannel channel, byte[] slice, long position, int length, Path file, UploadStatus upload)
      throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(slice, 0, length);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, position + buffer.position()) < 0) {
        throw new IOException(file + " is shorter than the " + upload.size() + " bytes being uploaded");
      }
    }
    return length;
  }

  /** One sender: streams hashed chunks from the file until none are left or another thread failed. */
  private void sendChunks(UploadStatus upload, Path file, BlockingQueue<HashedChunk> hashed, AtomicBoolean stop,
      AtomicLong done, Progress progress) throws InterruptedException {
    try {
      for (HashedChunk chunk = next(hashed, stop); chunk.n() >= 0; chunk = next(hashed, stop)) {
        int n = chunk.n();
        long length = chunkLength(upload, n);
        try {
          ChunkPuts.put(storage, "/drives/" + id() + "/uploads/" + upload.id(), upload, n, chunk.sha256(), chunk.url(),
              new ChunkBody(file, upload, (long) n * upload.chunkSize(), length));
        } catch (AcquireException e) {
          throw new UploadInterruptedException(upload.id(), "Upload " + upload.id() + " of " + upload.path()
              + " stopped at chunk " + n + " (" + e.getMessage() + "); call resumeUpload(\"" + upload.id()
              + "\", file, progress) to finish it.", e);
        }
        synchronized (done) { // one update at a time, in increasing order
          progress.update(Math.min(done.addAndGet(length), upload.size()), upload.size());
        }
      }
    } catch (RuntimeException | InterruptedException e) {
      stop.set(true);
      throw e;
    }
  }

  /** A chunk's bytes, read from the file each time they are written (again on a retry). */
  private static final class ChunkBody extends BinaryBody {
    private final Path file;
    private final UploadStatus upload;
    private final long position;

    ChunkBody(Path file, UploadStatus upload, long position, long length) {
      super(length);
      this.file = file;
      this.upload = upload;
      this.position = position;
    }

    @Override
    public void writeTo(okio.BufferedSink sink) throws IOException {
      long length = contentLength();
      byte[] slice = new byte[SLICE];
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
        for (long at = 0; at < length; ) {
          int count = read(channel, slice, position + at, (int) Math.min(SLICE, length - at), file, upload);
          sink.write(slice, 0, count);
          at += count;
        }
      }
    }
  }

  /** Waits for one of the upload's threads; its failure (the first to happen) becomes the upload's. */
  private static <T> T await(Future<T> task, UploadStatus upload, AtomicBoolean stop) {
    try {
      return task.get();
    } catch (InterruptedException e) {
      stop.set(true);
      Thread.currentThread().interrupt();
      throw new UploadInterruptedException(upload.id(), "Upload " + upload.id() + " of " + upload.path()
          + " was interrupted; call resumeUpload(\"" + upload.id() + "\", file, progress) to finish it.", e);
    } catch (ExecutionException e) {
      stop.set(true);
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof IOException io) {
        throw new UncheckedIOException("Cannot read the file being uploaded: " + io.getMessage(), io);
      }
      throw new IllegalStateException(cause);
    }
  }

  private static long chunkLength(UploadStatus upload, int n) {
    return Math.min(upload.chunkSize(), upload.size() - (long) n * upload.chunkSize());
  }

  /** Downloads the newest version of {@code path} to {@code target}. */
  public FileVersion download(String path, Path target) {
    return download(path, 0, target, Progress.NONE);
  }

  /**
   * Downloads a version ({@code 0} for the newest) to {@code target}, checking it against the
   * file's CRC32C, which the service computed from the verified chunks at upload (or, for
   * a version stored before it recorded one, its SHA-256, hashed on a thread of its own);
   * resumes from where it stopped if the connection drops. The version returned carries
   * the file's SHA-256 as the service lists it.
   */
  public FileVersion download(String path, long version, Path target, Progress progress) {
    if (encryption().isPresent()) {
      return FileVersion.from(encryption().get().download(path, version, target, progress));
    }
    String query = "/drives/" + id() + "/content?path=" + URLEncoder.encode(path, StandardCharsets.UTF_8)
        + (version > 0 ? "&version=" + version : "");
    Path temp = target.toAbsolutePath().resolveSibling("." + target.getFileName() + ".part");
    long written = 0;
    long size = -1;
    String expectedSha256 = null;
    String expectedCrc32c = null;
    long fileVersion = version;
    Instant createdAt = null;
    String expected;
    String actual;
    // The CRC32C costs the download almost nothing (hardware accelerated); versions stored
    // before the service recorded one are checked by SHA-256, on a thread of its own.
    CRC32C crc32c = new CRC32C();
    try (OutputStream out = Files.newOutputStream(temp);
         HashingPipe sha256 = new HashingPipe(8, 4 * SLICE, "acquire-download-hash")) {
      for (int attempt = 1; ; attempt++) {
        // From the start the service may point to the chunks in the store; a resumed download
        // (a range) always comes through the service.
        Map<String, String> headers = written == 0 ? Map.of(StorageWire.DIRECT_HEADER, "1")
            : Map.of("Range", "bytes=" + written + "-");
        try (Response response = storage.openStream(query, headers)) {
          if (expectedSha256 == null) {
            expectedSha256 = response.header(StorageWire.FILE_SHA256_HEADER);
            expectedCrc32c = response.header(StorageWire.FILE_CRC32C_HEADER);
            fileVersion = Long.parseLong(response.header(StorageWire.FILE_VERSION_HEADER));
            size = Long.parseLong(response.header(StorageWire.FILE_SIZE_HEADER));
            String created = response.header(StorageWire.FILE_CREATED_HEADER);
            createdAt = created == null ? null : Instant.parse(created);
          }
          String type = response.header("Content-Type");
          InputStream in = type != null && type.startsWith(StorageWire.DIRECT_CONTENT_TYPE)
              ? new DirectChunkStream(storage, io.acquire.client.wire.Json.read(response.body().bytes(),
                  StorageWire.DirectDownload.class))
              : response.body().byteStream();
          try (in) {
            while (true) {
              byte[] buffer = sha256.buffer();
              int n;
              try {
                n = in.readNBytes(buffer, 0, buffer.length);
              } catch (IOException e) {
                sha256.unused(buffer); // what it held is fetched again, from where the file stands
                throw e;
              }
              if (n == 0) {
                sha256.unused(buffer);
                break;
              }
              out.write(buffer, 0, n);
              if (expectedCrc32c != null) {
                crc32c.update(buffer, 0, n);
                sha256.unused(buffer);
              } else {
                sha256.hash(buffer, n);
              }
              written += n;
              progress.update(written, size);
            }
          }
          break;
        } catch (IOException e) {
          if (attempt >= 3) {
            throw new TransportException("Download of " + path + " failed after " + written + " bytes: "
                + e.getMessage(), e);
          }
        }
      }
      String sha256Sum = sha256.finish();
      expected = expectedCrc32c != null ? expectedCrc32c : expectedSha256;
      actual = expectedCrc32c != null ? String.format("%08x", crc32c.getValue()) : sha256Sum;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + temp + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransportException("Download of " + path + " was interrupted after " + written + " bytes.", e);
    }
    try {
      if (!actual.equals(expected) || written != size) {
        Files.deleteIfExists(temp);
        throw new InvalidResponseException(200, "Downloaded " + path + " does not match its checksum; nothing was "
            + "written. Try again.", null);
      }
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot move the download into " + target + ": " + e.getMessage(), e);
    }
    return new FileVersion(path, fileVersion, written, expectedSha256, createdAt);
  }

  /**
   * The newest version of a small file as bytes, checked against its SHA-256; empty if the
   * drive has no such file. For records and settings; larger files use {@link #download}.
   *
   * @throws InvalidRequestException if the file is larger than {@code maxBytes}
   */
  public java.util.Optional<byte[]> read(String path, int maxBytes) {
    return read(path, maxBytes, java.time.Duration.ZERO);
  }

  /**
   * {@link #read}, but when there is no such file yet the service holds the answer until
   * the file appears or {@code wait} (whole seconds, at most 20) passes: a long poll.
   */
  java.util.Optional<byte[]> read(String path, int maxBytes, java.time.Duration wait) {
    Transport.Reply reply;
    String url = "/drives/" + id() + "/content?path=" + URLEncoder.encode(path, StandardCharsets.UTF_8);
    java.util.Optional<EncryptedTransfers> encrypted = encryption();
    long limit = encrypted.isPresent() ? new EncryptedFormat.Header(1, maxBytes, "-").cipherSize() : maxBytes;
    try {
      reply = storage.call("GET", url + (wait.isZero() ? "" : "&wait=" + wait.toSeconds()), null, Safety.SAFE,
          Map.of("Range", "bytes=0-" + limit));
    } catch (NotFoundException e) {
      return java.util.Optional.empty();
    } catch (AcquireException e) {
      if (e.status() != 416) {
        throw e;
      }
      // No byte range exists in an empty file (RFC 9110), so an empty file answers 416: read it whole.
      reply = storage.call("GET", url, null, Safety.SAFE, Map.of());
    }
    long size = encrypted.isPresent() ? EncryptedTransfers.plainSize(reply.body(), path)
        : Long.parseLong(reply.header(StorageWire.FILE_SIZE_HEADER));
    if (size > maxBytes) {
      throw new InvalidRequestException(0, "too_large", path + " is " + size + " bytes, more than the " + maxBytes
          + " asked for; use download().", reply.header(RequestSignature.REQUEST_ID_HEADER));
    }
    if (!RequestSignature.sha256Hex(reply.body()).equals(reply.header(StorageWire.FILE_SHA256_HEADER))) {
      throw new InvalidResponseException(reply.status(), "Read of " + path + " does not match its checksum; try again.",
          reply.header(RequestSignature.REQUEST_ID_HEADER));
    }
    return java.util.Optional.of(encrypted.isPresent() ? encrypted.get().decrypt(path, reply.body()) : reply.body());
  }

  /**
   * Up to {@code length} bytes of a version ({@code 0} for the newest) from {@code offset},
   * fetched by byte range; fewer at the end of the file, none past it. For an encrypted
   * drive the SDK fetches the chunks that hold the range and checks each whole; a plain
   * range is not checked against the file's checksum, which covers the whole file only.
   *
   * @throws IllegalArgumentException if {@code offset} lies beyond the end of the file
   */
  public byte[] readRange(String path, long version, long offset, int length) {
    Objects.requireNonNull(path, "path == null");
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException("Offset and length must not be negative (" + offset + ", " + length + ").");
    }
    if (encryption().isPresent()) {
      return encryption().get().readRange(path, version, offset, length);
    }
    if (length == 0) {
      return new byte[0];
    }
    String url = "/drives/" + id() + "/content?path=" + URLEncoder.encode(path, StandardCharsets.UTF_8)
        + (version > 0 ? "&version=" + version : "");
    try {
      return storage.call("GET", url, null, Safety.SAFE, Map.of("Range", "bytes=" + offset + "-"
          + (offset + length - 1))).body();
    } catch (AcquireException e) {
      if (e.status() != 416) {
        throw e;
      }
      long size = versions(path).stream().filter(v -> version <= 0 || v.version() == version)
          .mapToLong(FileVersion::size).reduce((a, b) -> b).orElse(0);
      if (offset > size) {
        throw new IllegalArgumentException("Offset " + offset + " is past the end of " + path + " (" + size
            + " bytes).");
      }
      return new byte[0];
    }
  }

  /** The newest version of every file. */
  public List<FileVersion> files() {
    return files("");
  }

  /** The newest version of every file under a directory. */
  public List<FileVersion> files(String directory) {
    return storage.get("/drives/" + id() + "/files?prefix=" + URLEncoder.encode(directory, StandardCharsets.UTF_8),
        FileList.class).files().stream().map(FileVersion::from).toList();
  }

  public List<FileVersion> versions(String path) {
    return storage.get("/drives/" + id() + "/versions?path=" + URLEncoder.encode(path, StandardCharsets.UTF_8),
        FileList.class).files().stream().map(FileVersion::from).toList();
  }

  // Sharing ---------------------------------------------------------------------------------

  /** The user who owns the drive. */
  public String owner() {
    return info.owner();
  }

  /** The drives other users have shared with this user or their groups. */
  public static List<Drive> sharedWithMe(User user) {
    Transport storage = user.signedTransport("storage");
    return storage.get("/shared", DriveList.class).drives().stream().map(d -> new Drive(storage, d, user)).toList();
  }

  /** Gives the user {@code role} on the whole drive (replacing any role they had there); needs the owner role. */
  public AccessRule share(String username, Role role) {
    return share(username, role, "");
  }

  /** Gives the user {@code role} on a folder (a rule on {@code results} covers everything under it). */
  public AccessRule share(String username, Role role, String folder) {
    return share(new Share(Objects.requireNonNull(username, "username == null"), null, role.wire(), folder));
  }

  /** Gives every member of the group {@code role} on the whole drive. */
  public AccessRule share(Group group, Role role) {
    return share(group, role, "");
  }

  /** Gives every member of the group {@code role} on a folder. */
  public AccessRule share(Group group, Role role, String folder) {
    return share(new Share(null, Objects.requireNonNull(group, "group == null").id(), role.wire(), folder));
  }

  /**
   * On an encrypted drive, sharing also wraps the drive's keys (every generation) for the
   * user's public key, first, so that a user with no key is refused before any rule is made;
   * for a group, for each member with a published key, after. Members who join a group
   * later, or publish a key later, get keys when the owner shares with the group again.
   */
  private AccessRule share(Share share) {
    Objects.requireNonNull(share.role(), "role == null");
    Objects.requireNonNull(share.path(), "folder == null");
    java.util.Optional<EncryptedTransfers> encrypted = encryption();
    if (encrypted.isPresent() && share.user() != null) {
      encrypted.get().keys().wrapFor(List.of(share.user()), share.user());
    }
    AccessRule rule = AccessRule.from(storage.post("/drives/" + id() + "/access", share, SharingWire.AccessRule.class,
        Safety.SAFE));
    if (encrypted.isPresent() && share.group() != null) {
      encrypted.get().keys().wrapFor(readers(), null);
    }
    return rule;
  }

  /** Everyone the rules reach now, the owner included. */
  private Set<String> readers() {
    Set<String> readers = new HashSet<>();
    readers.add(owner());
    access().forEach(entry -> readers.add(entry.user()));
    return readers;
  }

  /** After a revocation an encrypted drive gets a new key, for the remaining readers only. */
  private void rotateKeys() {
    encryption().ifPresent(encrypted -> encrypted.keys().rotate(readers()));
  }

  /**
   * Removes every rule that gives the user access (the group's members keep what the group
   * gives them). On an encrypted drive, versions written from now on use a new key, wrapped
   * only for the readers left.
   */
  public void unshare(String username) {
    storage.send("DELETE", "/drives/" + id() + "/access?user="
        + URLEncoder.encode(Objects.requireNonNull(username, "username == null"), StandardCharsets.UTF_8), null,
        Safety.SAFE);
    rotateKeys();
  }

  /** Removes every rule that gives the group access; on an encrypted drive, rotates its key as {@link #unshare(String)}. */
  public void unshare(Group group) {
    storage.send("DELETE", "/drives/" + id() + "/access?group="
        + URLEncoder.encode(Objects.requireNonNull(group, "group == null").id(), StandardCharsets.UTF_8), null,
        Safety.SAFE);
    rotateKeys();
  }

  /**
   * Who can reach the drive and why: one line per user and rule (a group's rule gives a
   * line to each member, the drive's owner aside), by user name. Needs the owner role.
   */
  public List<AccessEntry> access() {
    return storage.get("/drives/" + id() + "/access", AccessList.class).users().stream().map(AccessEntry::from)
        .toList();
  }

  /** The drive's rules as they are stored: per user or group, role and folder. Needs the owner role. */
  public List<AccessRule> accessRules() {
    return storage.get("/drives/" + id() + "/access", AccessList.class).rules().stream().map(AccessRule::from).toList();
  }

  /**
   * Starts a link to a file, a folder, or ({@code ""}) the whole drive:
   * {@code drive.link("results").read().expiresIn(Duration.ofDays(7)).create()}.
   */
  public Link.Builder link(String path) {
    return new Link.Builder(storage, id(), path, encryption().<java.util.function.BiFunction<String, Long,
        EncryptedTransfers.LinkKey>>map(e -> e::linkKey).orElse(null));
  }

  /** The drive's links (without their URLs, which are shown only when made), newest first. */
  public List<Link> links() {
    return storage.get("/drives/" + id() + "/links", LinkList.class).links().stream()
        .map(l -> new Link(storage, l)).toList();
  }

  private static MessageDigest sha256Digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "Drive[" + info.name() + " " + info.id() + (info.readOnly() ? ", read-only" : "") + "]";
  }
}
