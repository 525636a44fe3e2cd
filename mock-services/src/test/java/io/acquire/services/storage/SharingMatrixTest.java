package io.acquire.services.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.acquire.client.AcquireException;
import io.acquire.client.Drive;
import io.acquire.client.Group;
import io.acquire.client.Link;
import io.acquire.client.Role;
import io.acquire.client.User;
import io.acquire.client.wire.SessionCertificate;
import io.acquire.client.wire.SessionClaims;
import io.acquire.client.AccessEntry;
import io.acquire.client.wire.SigningKey;
import io.acquire.client.FileVersion;
import io.acquire.services.AcquireServer;
import io.acquire.services.KeyEncryptionKey;
import io.acquire.services.ServiceKeys;
import io.acquire.services.store.MemoryObjectStore;
import io.acquire.services.testing.MutableClock;
import io.acquire.services.testing.RealLogins;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every role against every operation on one shared drive, through the SDK and plain HTTP,
 * against the real backend (real logins, compute's real key for the job credential): the
 * answer each should get, checked in one table so that a failure shows every cell that
 * differs.
 *
 * <p>Ada's drive holds {@code notes/a.txt} and {@code results/r.txt}. Bob is a writer and
 * Carol a reader of the whole drive; Dave is in Ada's group {@code lab}, a writer of
 * {@code results} only; Erin has nothing; a job of Ada's holds {@code drive:<id>:read}.
 */
class SharingMatrixTest {
  private static final MutableClock clock = MutableClock.ofNow();
  private static MemoryObjectStore store;
  private static AcquireServer server;
  private static User ada;
  private static User bob;
  private static User carol;
  private static User dave;
  private static User erin;
  private static User gina;
  private static User job;
  private static Drive drive;
  private static Group lab;
  private static final HttpClient http = HttpClient.newHttpClient();

  @TempDir
  static Path dir;

  @BeforeAll
  static void start() throws Exception {
    store = new MemoryObjectStore();
    server = AcquireServer.builder().store(store).port(0).clock(clock)
        .option("identity.bcrypt-cost", "4").option("identity.poll-interval-seconds", "1").start();
    ada = RealLogins.loggedIn(server.url(), "ada");
    bob = RealLogins.loggedIn(server.url(), "bob");
    carol = RealLogins.loggedIn(server.url(), "carol");
    dave = RealLogins.loggedIn(server.url(), "dave");
    erin = RealLogins.loggedIn(server.url(), "erin");
    RealLogins.loggedIn(server.url(), "frank");
    // Everyone logs in before any test moves the clock (the authenticator codes follow the real time).
    gina = RealLogins.loggedIn(server.url(), "gina");
    drive = Drive.open(ada, "shared");
    drive.write("notes/a.txt", "ada's notes".getBytes(StandardCharsets.UTF_8));
    drive.write("results/r.txt", "0123456789".getBytes(StandardCharsets.UTF_8));
    drive.share("bob", Role.WRITER);
    drive.share("carol", Role.READER);
    lab = Group.create(ada, "lab").add("dave");
    drive.share(lab, Role.WRITER, "results");
    job = jobCredential("ada", "drive:" + drive.id() + ":read");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** What a job's runner holds: a certificate compute signs with its own key, for named drives. */
  private static User jobCredential(String owner, String scope) {
    SigningKey computeKey = ServiceKeys.load(store, KeyEncryptionKey.forThisProcess(), "compute");
    SigningKey key = SigningKey.generate();
    Instant now = Instant.now();
    SessionClaims claims = new SessionClaims("compute", owner, "job-" + UUID.randomUUID(),
        key.verifyingKey().toBase64Url(), scope, now, now.plus(Duration.ofHours(1)));
    return User.builder().username(owner).identityUrl(server.url() + "/t/identity")
        .session(key.exportSeedUnsafe(), SessionCertificate.issue(claims, computeKey).token()).build();
  }

  @FunctionalInterface
  interface Operation {
    void run(Drive asSeenBy) throws Exception;
  }

  /** The operations a signed-in caller can try, each on the shared drive as that caller opened it. */
  private static final Map<String, Operation> OPERATIONS = new LinkedHashMap<>();

  static {
    OPERATIONS.put("list", d -> d.files());
    OPERATIONS.put("read", d -> d.download("results/r.txt", dir.resolve(UUID.randomUUID() + ".txt")));
    OPERATIONS.put("range read", d -> d.read("results/r.txt", 1 << 20));
    OPERATIONS.put("read outside results", d -> d.read("notes/a.txt", 1 << 20));
    OPERATIONS.put("versions", d -> d.versions("results/r.txt"));
    OPERATIONS.put("upload", d -> d.upload(Files.writeString(dir.resolve(UUID.randomUUID() + ".txt"), "u"),
        "results/upload.txt"));
    OPERATIONS.put("write", d -> d.write("results/w.txt", new byte[] {1}));
    OPERATIONS.put("write outside results", d -> d.write("notes/w.txt", new byte[] {1}));
    OPERATIONS.put("share", d -> {
      d.share("frank", Role.READER);
      d.unshare("frank");
    });
    OPERATIONS.put("who has access", d -> d.access());
    OPERATIONS.put("make a link", d -> d.link("results").create().revoke());
  }

  /** Expected answers, in the order of {@link #OPERATIONS}; 0 where the drive cannot even be opened. */
  private static final Map<String, String> EXPECTED = new LinkedHashMap<>();

  static {
    //                                 list read range outside versions upload write w-outside share access link
    EXPECTED.put("owner",             "200  200  200   200     200      200    200   200       200   200    200");
    EXPECTED.put("writer",            "200  200  200   200     200      200    200   200       403   403    403");
    EXPECTED.put("reader",            "200  200  200   200     200      403    403   403       403   403    403");
    EXPECTED.put("group member",      "200  200  200   403     200      200    200   403       403   403    403");
    EXPECTED.put("stranger",          "404  404  404   404     404      404    404   404       404   404    404");
    EXPECTED.put("job credential",    "200  200  200   200     200      403    403   403       403   403    403");
  }

  @Test
  void everyRoleGetsTheExpectedAnswerToEveryOperation() {
    Map<String, User> callers = new LinkedHashMap<>();
    callers.put("owner", ada);
    callers.put("writer", bob);
    callers.put("reader", carol);
    callers.put("group member", dave);
    callers.put("stranger", erin);
    callers.put("job credential", job);
    List<String> wrong = new ArrayList<>();
    callers.forEach((role, user) -> {
      List<String> expected = List.of(EXPECTED.get(role).trim().split("\\s+"));
      Drive seen;
      try {
        seen = Drive.byId(user, drive.id());
      } catch (AcquireException e) {
        // A drive the caller cannot open answers 404 to everything, as if it did not exist.
        assertEquals(404, e.status(), role + " opening the drive: " + e.getMessage());
        expected.forEach(code -> assertEquals("404", code, role + " cannot open the drive, so every answer is 404"));
        seen = null;
      }
      int i = 0;
      for (Map.Entry<String, Operation> operation : OPERATIONS.entrySet()) {
        String want = expected.get(i++);
        String got = seen == null ? "404" : Integer.toString(status(operation.getValue(), seen));
        if (!want.equals(got)) {
          wrong.add(role + " / " + operation.getKey() + ": expected " + want + ", got " + got);
        }
      }
    });
    assertTrue(wrong.isEmpty(), "cells that differ:\n" + String.join("\n", wrong));
  }

  /** A stranger asking through the URL of the drive's files, not the SDK, gets the same 404 as for no drive at all. */
  @Test
  void aStrangerCannotTellASharedDriveFromOneThatDoesNotExist() {
    AcquireException real = assertThrows(AcquireException.class, () -> Drive.byId(erin, drive.id()));
    AcquireException none = assertThrows(AcquireException.class, () -> Drive.byId(erin, "drv_doesnotexist0000"));
    assertEquals(404, real.status());
    assertEquals(none.serviceMessage().replace("drv_doesnotexist0000", "X"),
        real.serviceMessage().replace(drive.id(), "X"));
  }

  @Test
  void linkHoldersGetWhatTheirLinkAllowsAndNothingOnceItExpiresOrIsRevoked() throws Exception {
    Link read = drive.link("results").read().expiresIn(Duration.ofHours(1)).create();
    Link write = drive.link("results").write().expiresIn(Duration.ofHours(1)).create();
    Link revoked = drive.link("results").read().expiresIn(Duration.ofHours(1)).create();
    Link expiring = drive.link("results").read().expiresIn(Duration.ofSeconds(60)).create();
    Link pinned = drive.link("results/r.txt").version(1).expiresIn(Duration.ofHours(1)).create();
    assertEquals(200, get(revoked.url() + "r.txt", null).statusCode(), "works before it is revoked");
    revoked.revoke();
    clock.advance(Duration.ofSeconds(61));

    Map<String, Link> holders = new LinkedHashMap<>();
    holders.put("read link", read);
    holders.put("write link", write);
    holders.put("revoked link", revoked);
    holders.put("expired link", expiring);
    // "outside" asks for ../notes/a.txt: a path that would leave the link's folder is a 400,
    // and a write link refuses every read first (403), so neither reaches the file.
    //                                      list read range outside write
    Map<String, String> expected = Map.of(
        "read link",                       "200  200  206   400     403",
        "write link",                      "403  403  403   403     201",
        "revoked link",                    "404  404  404   404     404",
        "expired link",                    "404  404  404   404     404");
    List<String> wrong = new ArrayList<>();
    for (Map.Entry<String, Link> holder : holders.entrySet()) {
      String base = holder.getValue().url();
      int[] got = {
          get(base, null).statusCode(),
          get(base + "r.txt", null).statusCode(),
          get(base + "r.txt", "bytes=2-4").statusCode(),
          get(base + "../notes/a.txt", null).statusCode(),
          put(base + "linked.txt", "through a link").statusCode()};
      String[] want = expected.get(holder.getKey()).trim().split("\\s+");
      for (int i = 0; i < got.length; i++) {
        if (!want[i].equals(Integer.toString(got[i]))) {
          wrong.add(holder.getKey() + " / op " + i + ": expected " + want[i] + ", got " + got[i]);
        }
      }
    }
    assertTrue(wrong.isEmpty(), "cells that differ:\n" + String.join("\n", wrong));

    HttpResponse<String> range = get(read.url() + "r.txt", "bytes=2-4");
    assertEquals("234", range.body());
    assertEquals("bytes 2-4/10", range.headers().firstValue("Content-Range").orElseThrow());
    String refusal = withoutRequestId(get(revoked.url() + "r.txt", null).body());
    assertEquals(refusal, withoutRequestId(get(expiring.url() + "r.txt", null).body()),
        "revoked and expired read the same");
    int secretAt = read.url().indexOf(read.id()) + read.id().length() + 1;
    String forged = read.url().substring(0, secretAt) + (read.url().charAt(secretAt) == 'A' ? 'B' : 'A')
        + read.url().substring(secretAt + 1);
    assertEquals(refusal, withoutRequestId(get(forged + "r.txt", null).body()), "a wrong secret reads the same");
    assertEquals(refusal, withoutRequestId(get(server.url() + "/t/storage/l/lnk_0123456789abcdef0123."
        + "A".repeat(43) + "/r.txt", null).body()), "a link that never existed reads the same");
    assertEquals("through a link", new String(drive.read("results/linked.txt", 100).orElseThrow(),
        StandardCharsets.UTF_8));
    assertTrue(get(pinned.url(), null).body().equals("0123456789"), "a version link serves its version");
  }

  @Test
  void aLinkAnswersAtMostItsMaxUsesRequests() throws Exception {
    Link twice = drive.link("results/r.txt").maxUses(2).expiresIn(Duration.ofHours(1)).create();
    assertTrue(twice.url().endsWith("/r.txt"), "curl -O saves a file link under the file's name: " + twice.url());
    assertEquals(200, get(twice.url(), null).statusCode());
    assertEquals(200, get(twice.url(), null).statusCode());
    assertEquals(404, get(twice.url(), null).statusCode());
    Link listed = drive.links().stream().filter(l -> l.id().equals(twice.id())).findFirst().orElseThrow();
    assertEquals(2, listed.uses());
    assertTrue(!listed.hasUrl() && !listed.toString().contains(twice.url().substring(twice.url().indexOf('.'))),
        "the secret is shown once, and never in toString: " + listed);
    String stored = new String(store.get("storage/links/" + twice.id()).orElseThrow().data(), StandardCharsets.UTF_8);
    String secret = twice.url().substring(twice.url().indexOf(twice.id()) + twice.id().length() + 1,
        twice.url().lastIndexOf('/'));
    assertTrue(!stored.contains(secret), "the store keeps a hash of the secret, not the secret");
  }

  @Test
  void concurrentRequestsThroughALinkNeverExceedItsMaxUses() throws Exception {
    Link five = drive.link("results/r.txt").maxUses(5).expiresIn(Duration.ofHours(1)).create();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
    try {
      List<java.util.concurrent.Future<Integer>> answers = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        answers.add(pool.submit(() -> get(five.url(), null).statusCode()));
      }
      int served = 0;
      for (java.util.concurrent.Future<Integer> answer : answers) {
        int status = answer.get();
        assertTrue(status == 200 || status == 404, "status " + status);
        served += status == 200 ? 1 : 0;
      }
      assertEquals(5, served, "exactly maxUses requests are served, however many race");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void unsharingAUserOrRemovingAGroupMemberEndsTheirAccessAtOnce() {
    Drive own = Drive.open(ada, "temporary");
    own.write("results/x.txt", new byte[] {1});
    own.share("gina", Role.READER);
    assertEquals(List.of("temporary"), Drive.sharedWithMe(gina).stream().map(Drive::name).toList());
    own.unshare("gina");
    assertEquals(404, assertThrows(AcquireException.class, () -> Drive.byId(gina, own.id()).files()).status());
    assertTrue(Drive.sharedWithMe(gina).isEmpty());

    Group team = Group.create(ada, "team").add("gina");
    own.share(team, Role.READER);
    assertEquals(1, Drive.byId(gina, own.id()).files().size());
    List<AccessEntry> who = own.access();
    assertTrue(who.stream().anyMatch(e -> e.user().equals("gina") && e.why().contains("member of group ada/team")),
        who.toString());
    assertEquals(1, who.stream().filter(e -> e.user().equals("ada")).count(),
        "the owner, also a member of the group, is listed once, as owner: " + who);
    team.remove("gina");
    assertEquals(404, assertThrows(AcquireException.class, () -> Drive.byId(gina, own.id())).status());
  }

  @Test
  void anOwnerCanShareAFolderButNotWithSomeoneWhoDoesNotExist() {
    assertEquals(404, assertThrows(AcquireException.class, () -> drive.share("nobody-here", Role.READER)).status());
    assertEquals(400, assertThrows(AcquireException.class, () -> drive.share("Not A Name", Role.READER)).status());
    assertEquals(400, assertThrows(AcquireException.class, () -> drive.share("carol", Role.READER, "../up")).status());
  }

  @Test
  void aJobsOutputDriveStaysReadOnlyToEveryPersonAndWritableByItsJob() throws Exception {
    Drive output = Drive.byId(ada, new Drives(new io.acquire.services.store.JsonObjects(store), clock)
        .createOutputDrive("ada", "job_matrix").id());
    assertEquals(400, assertThrows(AcquireException.class, () -> output.share("bob", Role.WRITER)).status());
    output.share("bob", Role.OWNER);
    Drive asBob = Drive.byId(bob, output.id());
    assertEquals(403, assertThrows(AcquireException.class, () -> asBob.write("x.txt", new byte[] {1})).status());
    assertEquals(403, assertThrows(AcquireException.class, () -> output.write("x.txt", new byte[] {1})).status());
    assertEquals(400, assertThrows(AcquireException.class, () -> output.link("").write().create()).status());
    Drive asJob = Drive.byId(jobCredential("ada", "drive:" + output.id() + ":write"), output.id());
    FileVersion written = asJob.write("records.csv", "t,T\n".getBytes(StandardCharsets.UTF_8));
    assertEquals(1, written.version());
    assertEquals(1, asBob.files().size(), "bob, an owner of the output drive, reads what the job wrote");
  }

  private static String withoutRequestId(String body) {
    return body.replaceAll("\"requestId\":\"[^\"]*\"", "");
  }

  private static int status(Operation operation, Drive seen) {
    try {
      operation.run(seen);
      return 200;
    } catch (AcquireException e) {
      return e.status();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static HttpResponse<String> get(String url, String range) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
    if (range != null) {
      request.header("Range", range);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> put(String url, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).PUT(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
