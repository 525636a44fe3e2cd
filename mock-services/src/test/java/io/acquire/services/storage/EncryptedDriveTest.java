package io.acquire.services.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.acquire.client.Drive;
import io.acquire.client.FileVersion;
import io.acquire.client.Group;
import io.acquire.client.InvalidRequestException;
import io.acquire.client.InvalidResponseException;
import io.acquire.client.Link;
import io.acquire.client.NotFoundException;
import io.acquire.client.PermissionException;
import io.acquire.client.RetryPolicy;
import io.acquire.client.Role;
import io.acquire.client.SignedCalls;
import io.acquire.client.UploadInterruptedException;
import io.acquire.client.User;
import io.acquire.client.Wallet;
import io.acquire.client.internal.Transport;
import io.acquire.client.wire.EncryptionWire.AddWrappedKeys;
import io.acquire.client.wire.EncryptionWire.DriveKeys;
import io.acquire.client.wire.EncryptionWire.PublicKey;
import io.acquire.client.wire.EncryptionWire.PublishKey;
import io.acquire.services.AcquireServer;
import io.acquire.services.store.LocalObjectStore;
import io.acquire.services.testing.RealLogins;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Client-side encrypted drives against the real backend on a local store directory, which
 * the tests scan and tamper with: the store holds no plaintext, readers with a wrapped key
 * decrypt, a revoked reader gets no key for later versions, a changed chunk is an error,
 * and a link carries its file's key after {@code #}.
 */
class EncryptedDriveTest {
  private static final byte[] MARKER = "PLAINTEXT-MARKER-e5c1d2".getBytes(StandardCharsets.UTF_8);
  /** The plaintext per 8 MiB stored chunk (8 MiB less the header and Tink's overhead), for a range across chunks. */
  private static final int PLAIN_CHUNK = 8 * 1024 * 1024 - 128 - 40 - 8 * 16;

  @TempDir
  static Path dir;
  private static LocalObjectStore store;
  private static AcquireServer server;
  private static final AtomicBoolean chunkOneFails = new AtomicBoolean();
  private static final List<String> chunksSent = new CopyOnWriteArrayList<>();
  private static User ada;
  private static User bob;
  private static User carol;

  @BeforeAll
  static void start() throws IOException {
    store = LocalObjectStore.open(dir.resolve("store"));
    server = AcquireServer.builder().store(store).port(0)
        .option("identity.bcrypt-cost", "4").option("identity.poll-interval-seconds", "1").start();
    OkHttpClient flaky = new OkHttpClient.Builder().addInterceptor(chain -> {
      String path = chain.request().url().encodedPath();
      if (path.contains("/chunks/")) {
        if (path.endsWith("/chunks/1") && chunkOneFails.get()) {
          throw new IOException("connection reset (injected)");
        }
        chunksSent.add(path.substring(path.lastIndexOf('/') + 1));
      }
      return chain.proceed(chain.request());
    }).build();
    ada = RealLogins.loggedIn(withWallet("ada").httpClient(flaky)
        .retryPolicy(RetryPolicy.defaults().withSleeper(d -> { })).build());
    bob = RealLogins.loggedIn(withWallet("bob").build());
    carol = RealLogins.loggedIn(withWallet("carol").build());
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
    store.close();
  }

  private static User.Builder withWallet(String name) {
    return User.builder().username(name).identityUrl(server.url() + "/t/identity")
        .wallet(Wallet.inDirectory(dir.resolve("wallets").resolve(name)));
  }

  /** Random bytes with the marker written every 1 MiB, so that any stored plaintext shows it. */
  private static Path markedFile(String name, int size, long seed) throws IOException {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    for (int at = 0; at + MARKER.length <= size; at += 1 << 20) {
      System.arraycopy(MARKER, 0, bytes, at, MARKER.length);
    }
    return Files.write(dir.resolve(name), bytes);
  }

  /** The store's files holding {@code needle}. */
  private static List<Path> storeFilesHolding(byte[] needle) throws IOException {
    List<Path> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(dir.resolve("store"))) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        byte[] bytes = Files.readAllBytes(file);
        if (indexOf(bytes, needle) >= 0) {
          found.add(file);
        }
      }
    }
    return found;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  @Test
  void theStoreHoldsNoPlaintextAndTheOwnerReadsFilesRangesAndSmallFiles() throws Exception {
    Drive drive = Drive.openEncrypted(ada, "secrets");
    assertTrue(drive.isEncrypted());
    assertTrue(Drive.open(ada, "secrets").isEncrypted(), "opened plainly, it is still encrypted");
    Path file = markedFile("big.bin", 2 * PLAIN_CHUNK + 12345, 1);
    byte[] plain = Files.readAllBytes(file);
    FileVersion stored = drive.upload(file, "data/big.bin");
    assertTrue(stored.size() > plain.length, "storage holds the ciphertext, a little longer");
    drive.write("notes/small.txt", MARKER);

    Path back = dir.resolve("big-back.bin");
    FileVersion got = drive.download("data/big.bin", back);
    assertArrayEquals(plain, Files.readAllBytes(back));
    assertEquals(plain.length, got.size(), "the download reports the plaintext's size");
    assertArrayEquals(MARKER, drive.read("notes/small.txt", 1024).orElseThrow());
    int from = PLAIN_CHUNK - 1000;
    assertArrayEquals(Arrays.copyOfRange(plain, from, from + 5000), drive.readRange("data/big.bin", 0, from, 5000),
        "a range across a chunk boundary");
    assertArrayEquals(Arrays.copyOfRange(plain, plain.length - 10, plain.length),
        drive.readRange("data/big.bin", 1, plain.length - 10, 100), "a range past the end is cut at the end");

    assertEquals(List.of(), storeFilesHolding(MARKER), "no stored byte is plaintext");
    // The scan finds plaintext where there is some: the same marker in a plain drive.
    Drive.open(ada, "plain").write("small.txt", MARKER);
    assertFalse(storeFilesHolding(MARKER).isEmpty(), "a plain drive's bytes are found by the same scan");

    assertThrows(IllegalStateException.class, () -> Drive.openEncrypted(ada, "plain"),
        "a drive holding plain files is not turned into an encrypted one");
    User noWallet = RealLogins.loggedIn(server.url(), "nowallet");
    IllegalStateException refused = assertThrows(IllegalStateException.class,
        () -> Drive.openEncrypted(noWallet, "x"));
    assertTrue(refused.getMessage().contains("wallet"), refused.getMessage());
  }

  @Test
  void anInterruptedEncryptedUploadResumesWithOnlyTheMissingChunks() throws Exception {
    Drive drive = Drive.openEncrypted(ada, "resumed");
    Path file = markedFile("resume.bin", 2 * PLAIN_CHUNK + 99, 2);
    chunkOneFails.set(true);
    chunksSent.clear();
    UploadInterruptedException stopped;
    try {
      stopped = assertThrows(UploadInterruptedException.class, () -> drive.upload(file, "resume.bin"));
    } finally {
      chunkOneFails.set(false);
    }
    assertTrue(chunksSent.contains("0") && !chunksSent.contains("1"), "chunk 1 failed: " + chunksSent);
    List<String> before = List.copyOf(chunksSent);
    chunksSent.clear();
    drive.resumeUpload(stopped.uploadId(), file, Drive.Progress.NONE);
    List<String> missing = new ArrayList<>(List.of("0", "1", "2"));
    missing.removeAll(before);
    assertEquals(missing, chunksSent.stream().sorted().toList(), "only the missing chunks are sent again");
    Path back = dir.resolve("resume-back.bin");
    drive.download("resume.bin", back);
    assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(back));
  }

  @Test
  void readersAndGroupMembersDecryptAndARevokedReaderGetsNoKeyForLaterVersions() throws Exception {
    User dave = RealLogins.loggedIn(withWallet("dave").build());
    User erin = RealLogins.loggedIn(withWallet("erin").build());
    bob.publishEncryptionKey();
    carol.publishEncryptionKey();
    dave.publishEncryptionKey();
    Drive drive = Drive.openEncrypted(ada, "team");
    byte[] v1 = "version one".getBytes(StandardCharsets.UTF_8);
    byte[] v2 = "version two".getBytes(StandardCharsets.UTF_8);
    drive.write("report.txt", v1);
    drive.share("bob", Role.READER);
    Group lab = Group.create(ada, "lab").add("carol");
    drive.share(lab, Role.READER);
    assertArrayEquals(v1, Drive.byId(bob, drive.id()).read("report.txt", 100).orElseThrow(), "a shared reader");
    assertArrayEquals(v1, Drive.byId(carol, drive.id()).read("report.txt", 100).orElseThrow(), "a group member");

    NotFoundException noKey = assertThrows(NotFoundException.class, () -> drive.share("erin", Role.READER));
    assertTrue(noKey.getMessage().contains("publishEncryptionKey"), noKey.getMessage());
    assertFalse(drive.access().stream().anyMatch(e -> e.user().equals("erin")), "no rule without a key");

    Drive openedBefore = Drive.open(ada, "team"); // another of Ada's programs, which knew only generation 1
    assertArrayEquals(v1, openedBefore.read("report.txt", 100).orElseThrow());
    drive.unshare("bob");
    drive.write("report.txt", v2);
    openedBefore.write("later.txt", v2);
    assertThrows(NotFoundException.class, () -> Drive.byId(bob, drive.id()), "storage refuses a revoked reader");
    // Bob joins the group after the revocation, so storage lets him read again; but the new
    // version's key was wrapped only for the readers left when it was made.
    lab.add("bob");
    Drive asBob = Drive.byId(bob, drive.id());
    assertArrayEquals(v1, asBob.readRange("report.txt", 1, 0, 100), "the old version's key he still holds");
    PermissionException refused = assertThrows(PermissionException.class, () -> asBob.read("report.txt", 100));
    assertTrue(refused.getMessage().contains("no key for generation 2"), refused.getMessage());
    assertThrows(PermissionException.class, () -> asBob.read("later.txt", 100),
        "a program that opened the drive before the revocation writes with the new key too");
    assertArrayEquals(v2, Drive.byId(carol, drive.id()).read("report.txt", 100).orElseThrow(),
        "a remaining reader holds the new key");
    // Sharing with the group again wraps the keys for members who joined since.
    drive.share(lab, Role.READER);
    assertArrayEquals(v2, Drive.byId(bob, drive.id()).read("report.txt", 100).orElseThrow());
  }

  @Test
  void theKeyEndpointsRefuseBadInputSayingWhatWasWrong() {
    Drive drive = Drive.openEncrypted(ada, "keyed");
    Transport asAda = SignedCalls.to(ada, "storage");
    InvalidRequestException badKey = assertThrows(InvalidRequestException.class, () -> asAda.put("/encryption-key",
        new PublishKey("not base64!"), PublicKey.class, Transport.Safety.SAFE));
    assertTrue(badKey.getMessage().contains("publicKey"), badKey.getMessage());
    InvalidRequestException skipped = assertThrows(InvalidRequestException.class, () -> asAda.post("/drives/"
        + drive.id() + "/keys", new AddWrappedKeys(5, Map.of("ada", "AAAA")), DriveKeys.class, Transport.Safety.SAFE));
    assertTrue(skipped.getMessage().contains("generation"), skipped.getMessage());
    assertThrows(NotFoundException.class, () -> SignedCalls.to(carol, "storage").post("/drives/" + drive.id()
        + "/keys", new AddWrappedKeys(1, Map.of("carol", "AAAA")), DriveKeys.class, Transport.Safety.SAFE),
        "a stranger cannot add wrappings to a drive they cannot see");
    assertThrows(NotFoundException.class, () -> SignedCalls.to(carol, "storage").get("/drives/" + drive.id()
        + "/keys", DriveKeys.class), "nor read them");
    NotFoundException noKey = assertThrows(NotFoundException.class,
        () -> asAda.get("/encryption-keys/nobody", PublicKey.class));
    assertTrue(noKey.getMessage().contains("publishEncryptionKey"), noKey.getMessage());
  }

  @Test
  void aTamperedChunkFailsLoudlyAndWritesNothing() throws Exception {
    Drive drive = Drive.openEncrypted(ada, "tampered");
    Path file = markedFile("tamper.bin", 3 * 1024 * 1024 + 5, 3);
    Set<Path> before = chunkFiles();
    drive.upload(file, "tamper.bin");
    List<Path> chunks = chunkFiles().stream().filter(p -> !before.contains(p)).toList();
    assertEquals(1, chunks.size(), "one chunk: " + chunks);
    byte[] bytes = Files.readAllBytes(chunks.get(0));
    bytes[bytes.length - 1000] ^= 1;
    Files.write(chunks.get(0), bytes);

    Path back = dir.resolve("tamper-back.bin");
    InvalidResponseException e = assertThrows(InvalidResponseException.class, () -> drive.download("tamper.bin", back));
    assertTrue(e.getMessage().contains("failed its integrity check"), e.getMessage());
    assertFalse(Files.exists(back), "no file is written");
    assertFalse(Files.exists(back.resolveSibling(".tamper-back.bin.part")), "nor a partial one");
    assertThrows(InvalidResponseException.class, () -> drive.readRange("tamper.bin", 0, 0, 10));
  }

  private static Set<Path> chunkFiles() throws IOException {
    try (Stream<Path> files = Files.walk(dir.resolve("store"))) {
      return files.filter(p -> p.toString().contains("chunks.d") && Files.isRegularFile(p)).collect(Collectors.toSet());
    }
  }

  @Test
  void aLinkCarriesItsFilesKeyAfterTheHashAndPlainClientsGetCiphertext() throws Exception {
    Drive drive = Drive.openEncrypted(ada, "linked");
    Path file = markedFile("linked.bin", 1024 * 1024 + 7, 4);
    drive.upload(file, "out/linked.bin");
    Link link = drive.link("out/linked.bin").create();
    assertTrue(link.url().contains("#key="), "the key rides after #");
    assertEquals(1L, link.version().orElseThrow(), "pinned to the version whose key it carries");

    Path back = dir.resolve("link-back.bin");
    assertEquals(Files.size(file), Link.download(link.url(), back));
    assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(back));

    String withoutKey = link.url().substring(0, link.url().indexOf('#'));
    byte[] raw = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(withoutKey)).build(),
        HttpResponse.BodyHandlers.ofByteArray()).body();
    assertEquals("ACQE", new String(raw, 0, 4, StandardCharsets.US_ASCII), "a plain client gets ciphertext");
    assertEquals(-1, indexOf(raw, MARKER));
    String wrongKey = withoutKey + "#key=" + "A".repeat(43);
    assertThrows(InvalidResponseException.class, () -> Link.download(wrongKey, dir.resolve("wrong.bin")));
    assertFalse(Files.exists(dir.resolve("wrong.bin")));

    assertThrows(IllegalArgumentException.class, () -> drive.link("out").create(), "a folder has no one key");
    assertThrows(IllegalArgumentException.class, () -> drive.link("out/linked.bin").write().create(),
        "a write link would let plaintext in");
  }
}
