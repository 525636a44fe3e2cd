package io.acquire.client;

import io.acquire.client.EncryptedFormat.FileCipher;
import io.acquire.client.EncryptedFormat.Header;
import io.acquire.client.internal.Transport;
import io.acquire.client.internal.Transport.Safety;
import io.acquire.client.wire.Base64Url;
import io.acquire.client.wire.RequestSignature;
import io.acquire.client.wire.StorageWire;
import io.acquire.client.wire.StorageWire.CompleteUpload;
import io.acquire.client.wire.StorageWire.FileVersion;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import okhttp3.Response;

/**
 * Uploads and downloads of an encrypted drive ({@link EncryptedFormat}): the SDK encrypts
 * before anything leaves and decrypts after it arrives, so storage moves and checks only
 * ciphertext. Uploads go as the plain drive's do (announced, chunk by chunk with each
 * chunk's SHA-256, completed with the chunks' SHA-256), four chunks at a time, each
 * encrypted by the thread that sends it into a buffer of its own: a retry must send the same
 * bytes, and Tink's encryption is randomised, so a chunk is held (8 MiB) while it is on the
 * wire. The chunks' checksums are noted in the wallet as they are accepted, so that an
 * interrupted upload resumes, from this machine, by sending only what storage lacks.
 */
final class EncryptedTransfers {
  private static final int IN_FLIGHT = 4;
  private static final int ATTEMPTS = 3;

  private final Transport storage;
  private final User user;
  private final String drive;
  private final DriveKeyring keys;

  EncryptedTransfers(Transport storage, User user, String drive, DriveKeyring keys) {
    this.storage = storage;
    this.user = user;
    this.drive = drive;
    this.keys = keys;
  }

  DriveKeyring keys() {
    return keys;
  }

  // Upload ----------------------------------------------------------------------------------

  FileVersion upload(Path file, long plainSize, String path, Drive.Progress progress) {
    int generation = keys.newestNow();
    keys.dataKey(generation); // no key, no upload started
    long cipherSize = new Header(generation, plainSize, "-").cipherSize();
    UploadStatus upload = storage.post(base() + "/uploads", new StartUpload(path, cipherSize, null,
        EncryptedFormat.CHUNK), UploadStatus.class, Safety.UNSAFE);
    Notes notes = Notes.start(user.wallet().uploadRecord(upload.id()), generation, plainSize);
    return send(upload, new Header(generation, plainSize, upload.id()), file, notes, progress);
  }

  FileVersion resume(String uploadId, Path file, Drive.Progress progress) {
    UploadStatus upload = storage.get(base() + "/uploads/" + uploadId, UploadStatus.class);
    Notes notes = Notes.read(user.wallet().uploadRecord(upload.id()), upload);
    long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the size of " + file + ": " + e.getMessage(), e);
    }
    if (size != notes.plainSize) {
      throw new IllegalArgumentException(file + " is " + size + " bytes, but upload " + uploadId + " was of "
          + notes.plainSize + "; resume it with the file it started with.");
    }
    return send(upload, new Header(notes.generation, notes.plainSize, upload.id()), file, notes, progress);
  }

  private FileVersion send(UploadStatus upload, Header header, Path file, Notes notes, Drive.Progress progress) {
    FileCipher cipher = new FileCipher(header, fileKey(header, upload.path()), upload.path());
    int chunks = Math.toIntExact(header.chunks());
    if (upload.chunks() != chunks || upload.size() != header.cipherSize()) {
      throw new IllegalStateException("Upload " + upload.id() + " is not of the encrypted size of this file; start a "
          + "new upload.");
    }
    String[] sums = new String[chunks];
    notes.sums.forEach((n, sum) -> sums[n] = sum);
    Set<Integer> received = new HashSet<>(upload.received());
    List<Integer> todo = new ArrayList<>();
    long alreadyDone = 0;
    for (int n = 0; n < chunks; n++) {
      if (!received.contains(n)) {
        todo.add(n);
      } else if (sums[n] == null) {
        throw new IllegalStateException("Upload " + upload.id() + " has chunk " + n + ", whose checksum was not noted "
            + "in the wallet; start a new upload.");
      } else {
        alreadyDone += header.plainLength(n);
      }
    }
    AtomicInteger next = new AtomicInteger();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong done = new AtomicLong(alreadyDone);
    ExecutorService threads = Executors.newFixedThreadPool(IN_FLIGHT, runnable -> {
      Thread thread = new Thread(runnable, "acquire-encrypted-upload-" + upload.id());
      thread.setDaemon(true);
      return thread;
    });
    try {
      List<Future<?>> senders = new ArrayList<>();
      for (int i = 0; i < Math.min(IN_FLIGHT, todo.size()); i++) {
        senders.add(threads.submit(() -> {
          sendChunks(upload, header, cipher, file, todo, next, stop, sums, notes, done, progress);
          return null;
        }));
      }
      RuntimeException failure = null;
      for (Future<?> sender : senders) { // each finishes the chunk it has on the wire before stopping
        try {
          sender.get();
        } catch (InterruptedException e) {
          stop.set(true);
          Thread.currentThread().interrupt();
          failure = failure != null ? failure : interrupted(upload, "was interrupted", e);
        } catch (ExecutionException e) {
          stop.set(true);
          Throwable cause = e.getCause();
          failure = failure != null ? failure : cause instanceof RuntimeException runtime ? runtime
              : cause instanceof IOException io ? new UncheckedIOException("Cannot read the file being uploaded: "
                  + io.getMessage(), io) : new IllegalStateException(cause);
        }
      }
      if (failure != null) {
        throw failure;
      }
      FileVersion version = storage.post(base() + "/uploads/" + upload.id() + "/complete",
          new CompleteUpload(null, StorageWire.chunksSha256(Arrays.asList(sums))), FileVersion.class, Safety.SAFE);
      notes.delete();
      return version;
    } finally {
      threads.shutdownNow();
    }
  }

  private void sendChunks(UploadStatus upload, Header header, FileCipher cipher, Path file, List<Integer> todo,
      AtomicInteger next, AtomicBoolean stop, String[] sums, Notes notes, AtomicLong done, Drive.Progress progress)
      throws IOException {
    byte[] buffer = new byte[EncryptedFormat.CHUNK];
    byte[] slice = new byte[64 * 1024];
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      for (int i = next.getAndIncrement(); i < todo.size() && !stop.get(); i = next.getAndIncrement()) {
        int n = todo.get(i);
        int length = cipher.encrypt(n, (position, count, out) -> copy(channel, position, count, out, slice, file),
            buffer);
        String sha256 = sha256(buffer, length);
        try {
          // Straight to the store when it offers that; completion then has the service read the
          // chunks back to hash the file, since no thread here sees the ciphertext in order.
          ChunkPuts.put(storage, base() + "/uploads/" + upload.id(), upload, n, sha256, null,
              new ChunkBody(buffer, length));
        } catch (AcquireException e) {
          throw interrupted(upload, "stopped at chunk " + n + " (" + e.getMessage() + ")", e);
        }
        sums[n] = sha256;
        notes.add(n, sha256);
        synchronized (done) {
          progress.update(done.addAndGet(header.plainLength(n)), header.plainSize());
        }
      }
    } catch (RuntimeException | IOException e) {
      stop.set(true);
      throw e;
    }
  }

  /**
   * An encrypted chunk's bytes, written in slices: given all 8 MiB at once, Okio first copies
   * them into a buffer of fresh 8 KiB segments, 8 MiB of garbage a chunk (its segment pool
   * keeps 64 KiB), which cost the client more CPU in collections than the encryption did.
   */
  private static final class ChunkBody extends BinaryBody {
    private static final int SLICE = 64 * 1024;
    private final byte[] bytes;
    private final int length;

    ChunkBody(byte[] bytes, int length) {
      super(length);
      this.bytes = bytes;
      this.length = length;
    }

    @Override
    public void writeTo(okio.BufferedSink sink) throws IOException {
      for (int at = 0; at < length; at += SLICE) {
        sink.write(bytes, at, Math.min(SLICE, length - at));
      }
    }
  }

  private static String sha256(byte[] bytes, int length) {
    try {
      java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
      digest.update(bytes, 0, length);
      return java.util.HexFormat.of().formatHex(digest.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void copy(FileChannel channel, long position, int count, OutputStream out, byte[] slice, Path file)
      throws IOException {
    for (int at = 0; at < count; ) {
      ByteBuffer buffer = ByteBuffer.wrap(slice, 0, Math.min(slice.length, count - at));
      while (buffer.hasRemaining()) {
        if (channel.read(buffer, position + at + buffer.position()) < 0) {
          throw new IOException(file + " became shorter while it was being uploaded");
        }
      }
      out.write(slice, 0, buffer.position());
      at += buffer.position();
    }
  }

  private static UploadInterruptedException interrupted(UploadStatus upload, String what, Exception cause) {
    return new UploadInterruptedException(upload.id(), "Encrypted upload " + upload.id() + " of " + upload.path()
        + " " + what + "; call resumeUpload(\"" + upload.id() + "\", file, progress) on this machine to finish it.",
        cause);
  }

  /** Small files in one request ({@link Drive#write}): encrypted whole, in memory. */
  byte[] encrypt(String path, byte[] content) {
    int generation = keys.newestNow();
    Header header = new Header(generation, content.length, "w-" + UUID.randomUUID());
    FileCipher cipher = new FileCipher(header, fileKey(header, canonical(path)), path);
    long size = header.cipherSize();
    if (size > 15L * 1024 * 1024) {
      throw new IllegalArgumentException("Encrypted, " + content.length + " bytes take " + size + ", more than one "
          + "request carries (15 MiB); use upload() for larger files.");
    }
    byte[] out = new byte[(int) size];
    byte[] chunk = new byte[EncryptedFormat.CHUNK];
    int at = 0;
    try {
      for (long n = 0; n < header.chunks(); n++) {
        int length = cipher.encrypt(n, (position, count, to) -> to.write(content, (int) position, count), chunk);
        System.arraycopy(chunk, 0, out, at, length);
        at += length;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  // Download --------------------------------------------------------------------------------

  /** Downloads and decrypts into a temporary file beside {@code target}, moved into place once every chunk checks out. */
  FileVersion download(String path, long version, Path target, Drive.Progress progress) {
    Path temp = target.toAbsolutePath().resolveSibling("." + target.getFileName() + ".part");
    Decryptor decryptor = new Decryptor(header -> fileKey(header, canonical(path)), path);
    long fileVersion = version;
    String sha256 = null;
    Instant createdAt = null;
    try (OutputStream out = Files.newOutputStream(temp)) {
      for (int attempt = 1; ; attempt++) {
        String query = base() + "/content?path=" + URLEncoder.encode(path, StandardCharsets.UTF_8)
            + (fileVersion > 0 ? "&version=" + fileVersion : ""); // pinned once known: a resume reads the same version
        Map<String, String> range = decryptor.resumeAt() == 0 ? Map.of()
            : Map.of("Range", "bytes=" + decryptor.resumeAt() + "-");
        try (Response response = storage.openStream(query, range)) {
          if (sha256 == null) {
            sha256 = response.header(StorageWire.FILE_SHA256_HEADER);
            fileVersion = Long.parseLong(response.header(StorageWire.FILE_VERSION_HEADER));
            decryptor.storedSize = Long.parseLong(response.header(StorageWire.FILE_SIZE_HEADER));
            String created = response.header(StorageWire.FILE_CREATED_HEADER);
            createdAt = created == null ? null : Instant.parse(created);
          }
          decryptor.consume(response.body().byteStream(), out, progress);
          break;
        } catch (IOException e) {
          if (attempt >= ATTEMPTS) {
            throw new TransportException("Download of " + path + " failed after " + decryptor.plainDone + " bytes: "
                + e.getMessage(), e);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + temp + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      deleteQuietly(temp);
      throw e;
    }
    try {
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot move the download into " + target + ": " + e.getMessage(), e);
    }
    return new FileVersion(path, fileVersion, decryptor.cipher.header().plainSize(), sha256, createdAt);
  }

  /** A whole small file's plaintext, from its stored bytes. */
  byte[] decrypt(String path, byte[] stored) {
    Decryptor decryptor = new Decryptor(header -> fileKey(header, canonical(path)), path);
    decryptor.storedSize = stored.length;
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try {
      decryptor.consume(new java.io.ByteArrayInputStream(stored), out, Drive.Progress.NONE);
    } catch (IOException e) {
      throw new InvalidResponseException(200, path + " is shorter than its encryption header says.", null);
    }
    return out.toByteArray();
  }

  /** The plaintext size a stored header announces, reading only the header. */
  static long plainSize(byte[] stored, String path) {
    return Header.parse(stored, path).plainSize();
  }

  /**
   * Bytes {@code offset} to {@code offset + length} of a version's plaintext: the header,
   * then only the chunks that hold the range, each checked whole.
   */
  byte[] readRange(String path, long version, long offset, int length) {
    String query = base() + "/content?path=" + URLEncoder.encode(path, StandardCharsets.UTF_8);
    Transport.Reply first = storage.call("GET", query + (version > 0 ? "&version=" + version : ""), null, Safety.SAFE,
        Map.of("Range", "bytes=0-" + (EncryptedFormat.HEADER - 1)));
    long pinned = Long.parseLong(first.header(StorageWire.FILE_VERSION_HEADER));
    Header header = Header.parse(first.body(), path);
    if (offset > header.plainSize()) {
      throw new IllegalArgumentException("Offset " + offset + " is past the end of " + path + " (" + header.plainSize()
          + " bytes).");
    }
    long end = Math.min(header.plainSize(), offset + length);
    if (end == offset) {
      return new byte[0];
    }
    long firstChunk = offset / EncryptedFormat.PLAIN_CHUNK;
    long lastChunk = (end - 1) / EncryptedFormat.PLAIN_CHUNK;
    long from = firstChunk * EncryptedFormat.CHUNK;
    long to = lastChunk * EncryptedFormat.CHUNK + header.chunkLength(lastChunk) - 1;
    byte[] stored = storage.call("GET", query + "&version=" + pinned, null, Safety.SAFE,
        Map.of("Range", "bytes=" + from + "-" + to)).body();
    FileCipher cipher = new FileCipher(header, fileKey(header, canonical(path)), path);
    byte[] result = new byte[(int) (end - offset)];
    byte[] chunk = new byte[EncryptedFormat.CHUNK];
    byte[] plain = new byte[EncryptedFormat.PLAIN_CHUNK];
    int at = 0;
    for (long n = firstChunk; n <= lastChunk; n++) {
      int chunkLength = header.chunkLength(n);
      int start = (int) ((n - firstChunk) * EncryptedFormat.CHUNK);
      if (start + chunkLength > stored.length) {
        throw new InvalidResponseException(200, "Storage sent fewer bytes of " + path + " than the range asked for.",
            null);
      }
      System.arraycopy(stored, start, chunk, 0, chunkLength);
      int plainLength = cipher.decrypt(n, chunk, chunkLength, plain);
      long chunkStart = n * EncryptedFormat.PLAIN_CHUNK;
      int skip = (int) Math.max(0, offset - chunkStart);
      int take = (int) Math.min(plainLength - skip, end - chunkStart - skip);
      System.arraycopy(plain, skip, result, at, take);
      at += take;
    }
    return result;
  }

  /** The newest (or given) version of a file and its key, for a link that carries the key after {@code #}. */
  record LinkKey(long version, String key) {}

  LinkKey linkKey(String path, Long version) {
    Transport.Reply first;
    try {
      first = storage.call("GET", base() + "/content?path=" + URLEncoder.encode(path, StandardCharsets.UTF_8)
          + (version != null ? "&version=" + version : ""), null, Safety.SAFE,
          Map.of("Range", "bytes=0-" + (EncryptedFormat.HEADER - 1)));
    } catch (NotFoundException e) {
      throw new IllegalArgumentException("A link into encrypted drive " + drive + " reaches one file, whose key it "
          + "carries after '#'; '" + path + "' is not a file of it (folders and whole drives cannot be linked).", e);
    }
    Header header = Header.parse(first.body(), path);
    return new LinkKey(Long.parseLong(first.header(StorageWire.FILE_VERSION_HEADER)),
        Base64Url.encode(fileKey(header, canonical(path))));
  }

  private byte[] fileKey(Header header, String path) {
    return EncryptedFormat.fileKey(keys.dataKey(header.generation()), drive, path, header.fileId());
  }

  /** The path as storage normalises it (docs/drives.md): the file key is bound to that spelling. */
  static String canonical(String path) {
    return Arrays.stream(path.split("/")).filter(s -> !s.isEmpty() && !s.equals(".")).collect(Collectors.joining("/"));
  }

  private String base() {
    return "/drives/" + URLEncoder.encode(drive, StandardCharsets.UTF_8);
  }

  static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // the error being thrown says more than this one would
    }
  }

  /**
   * Decrypts a version's stored bytes chunk by chunk as they stream in; after a dropped
   * connection it resumes at the start of the chunk it was reading.
   */
  static final class Decryptor {
    private static final int SLICE = 256 * 1024;
    private final Function<Header, byte[]> keyFor;
    private final String what;
    private byte[] in = new byte[EncryptedFormat.CHUNK];
    /** One segment's plaintext at a time, written while it is in the processor's cache. */
    private final byte[] segment = new byte[EncryptedFormat.SEGMENT];
    private byte[] spare;
    long storedSize = -1;
    FileCipher cipher;
    private long next;
    long plainDone;

    Decryptor(Function<Header, byte[]> keyFor, String what) {
      this.keyFor = keyFor;
      this.what = what;
    }

    long resumeAt() {
      return next * EncryptedFormat.CHUNK;
    }

    void consume(InputStream stream, OutputStream out, Drive.Progress progress) throws IOException {
      if (cipher == null) {
        if (stream.readNBytes(in, 0, EncryptedFormat.HEADER) < EncryptedFormat.HEADER) {
          Header.parse(new byte[0], what); // too short to be encrypted: says so
        }
        Header header = Header.parse(Arrays.copyOf(in, EncryptedFormat.HEADER), what);
        if (storedSize >= 0 && header.cipherSize() != storedSize) {
          throw new InvalidResponseException(200, what + " is " + storedSize + " bytes in the store, not the "
              + header.cipherSize() + " its encryption header implies: it was cut or extended; nothing was written.",
              null);
        }
        cipher = new FileCipher(header, keyFor.apply(header), what);
      } else if (stream.readNBytes(in, 0, EncryptedFormat.HEADER) < EncryptedFormat.HEADER) {
        throw new IOException("the download ended early");
      }
      Header header = cipher.header();
      if (next + 1 == header.chunks()) { // one chunk left: nothing to overlap
        receive(stream, in, header.chunkLength(next));
        write(in, out, progress);
      } else {
        pipelined(stream, out, progress);
      }
      if (stream.read() != -1) {
        throw new InvalidResponseException(200, what + " is longer in the store than its encryption header says; "
            + "nothing was written.", null);
      }
    }

    /**
     * One thread receives the next chunk while this one decrypts and writes the last: done
     * one after the other, the connection stalled while each chunk was decrypted.
     */
    private void pipelined(InputStream stream, OutputStream out, Drive.Progress progress) throws IOException {
      Header header = cipher.header();
      if (spare == null) {
        spare = new byte[EncryptedFormat.CHUNK];
      }
      BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(2);
      BlockingQueue<Object> received = new ArrayBlockingQueue<>(2);
      free.add(spare);
      long first = next;
      Thread receiver = new Thread(() -> {
        try {
          for (long n = first; n < header.chunks(); n++) {
            byte[] buffer = n == first ? in : free.take();
            if (n > first && stream.readNBytes(buffer, 0, EncryptedFormat.HEADER) < EncryptedFormat.HEADER) {
              throw new IOException("the download ended early");
            }
            receive(stream, buffer, header.chunkLength(n));
            received.put(buffer);
          }
        } catch (IOException e) {
          received.offer(e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "acquire-download-receive");
      receiver.setDaemon(true);
      receiver.start();
      boolean done = false;
      try {
        while (next < header.chunks()) {
          Object chunk = received.take();
          if (chunk instanceof IOException e) {
            throw e;
          }
          byte[] buffer = (byte[]) chunk;
          write(buffer, out, progress);
          free.add(buffer);
        }
        done = true;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while downloading");
      } finally {
        receiver.interrupt();
        if (!done) { // the receiver may still be writing into them until its connection is closed
          in = new byte[EncryptedFormat.CHUNK];
          spare = null;
        }
      }
    }

    /** Reads the rest of a chunk whose header is already in {@code buffer}. */
    private static void receive(InputStream stream, byte[] buffer, int length) throws IOException {
      if (stream.readNBytes(buffer, EncryptedFormat.HEADER, length - EncryptedFormat.HEADER)
          < length - EncryptedFormat.HEADER) {
        throw new IOException("the download ended early");
      }
    }

    /**
     * Decrypts chunk {@link #next}, writes it segment by segment as each checks (in slices, as
     * the plain drive's download writes: the JDK copies a write into a native buffer of its
     * size first), and moves on.
     */
    private void write(byte[] buffer, OutputStream out, Drive.Progress progress) throws IOException {
      Header header = cipher.header();
      int plainLength;
      try {
        plainLength = cipher.decryptSegments(next, buffer, header.chunkLength(next), segment,
            (bytes, offset, length) -> {
              for (int at = 0; at < length; at += SLICE) {
                out.write(bytes, offset + at, Math.min(SLICE, length - at));
              }
            });
      } catch (IOException e) { // the file's, not the connection's: not a reason to fetch the chunk again
        throw new UncheckedIOException("Cannot write the download: " + e.getMessage(), e);
      }
      plainDone += plainLength;
      progress.update(plainDone, header.plainSize());
      next++;
    }
  }

  /**
   * An upload's notes in the wallet: its generation and size, then each accepted chunk's
   * SHA-256, appended as they are accepted.
   */
  static final class Notes {
    private final Path file;
    final int generation;
    final long plainSize;
    final Map<Integer, String> sums = new java.util.concurrent.ConcurrentHashMap<>();

    private Notes(Path file, int generation, long plainSize) {
      this.file = file;
      this.generation = generation;
      this.plainSize = plainSize;
    }

    static Notes start(Path file, int generation, long plainSize) {
      Notes notes = new Notes(file, generation, plainSize);
      try {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "acquire-encrypted-upload 1 " + generation + " " + plainSize + "\n");
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot note the upload in " + file + ": " + e.getMessage(), e);
      }
      return notes;
    }

    static Notes read(Path file, UploadStatus upload) {
      List<String> lines;
      try {
        lines = Files.readAllLines(file);
      } catch (IOException e) {
        throw new IllegalStateException("Encrypted upload " + upload.id() + " can be resumed only from the wallet that "
            + "started it (its notes, " + file + ", are not here); start a new upload.");
      }
      String[] first = lines.isEmpty() ? new String[0] : lines.get(0).split(" ");
      if (first.length != 4 || !first[0].equals("acquire-encrypted-upload")) {
        throw new IllegalStateException("The notes of upload " + upload.id() + " (" + file + ") are damaged; start a "
            + "new upload.");
      }
      Notes notes = new Notes(file, Integer.parseInt(first[2]), Long.parseLong(first[3]));
      for (String line : lines.subList(1, lines.size())) {
        String[] parts = line.split(" ");
        if (parts.length == 2 && parts[1].length() == 64) { // a line cut by a crash is simply not known
          notes.sums.put(Integer.parseInt(parts[0]), parts[1]);
        }
      }
      return notes;
    }

    synchronized void add(int n, String sha256) throws IOException {
      sums.put(n, sha256);
      Files.writeString(file, n + " " + sha256 + "\n", StandardOpenOption.APPEND);
    }

    void delete() {
      deleteQuietly(file);
    }
  }
}
