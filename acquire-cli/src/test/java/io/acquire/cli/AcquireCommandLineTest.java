package io.acquire.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.acquire.client.wire.Json;
import io.acquire.client.Totp;
import io.acquire.services.AcquireServer;
import io.acquire.services.compute.batch.BatchScript;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code bin/acquire}, run as a process against the real backend on port 0: a person
 * registers and logs in by reading the terminal's QR codes (with zbarimg), then uses every command.
 */
class AcquireCommandLineTest {
  static final String PASSWORD = "a long enough password";

  @TempDir
  static Path dir;
  static AcquireServer server;
  static AcquireBinary acquire;
  static Totp totp;
  static String loginUrlPrinted;
  static String loginUrlScanned;
  static AcquireBinary.Result loginResult;

  @BeforeAll
  static void startAndLogIn() throws Exception {
    // As in a deployment run by root: the directories above the store and the jobs are open to all.
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    server = AcquireServer.builder().port(0).dataDirectory(dir.resolve("data"))
        .option("compute.work-directory", dir.resolve("jobs").toString())
        .option("identity.bcrypt-cost", "4").option("compute.cores", "2")
        // Storage that costs something, so deletions have refunds to show: a 1 MiB file is 0.98 a year.
        .option("storage.price-per-gib-year", "1000.00").option("storage.archive-price-per-gib", "100.00").start();
    Path config = dir.resolve("config");
    acquire = new AcquireBinary(config);

    totp = register(acquire, "ada");
    LoginRun login = logIn(acquire, "ada", totp);
    loginUrlPrinted = login.printedUrl();
    loginUrlScanned = login.scannedUrl();
    loginResult = login.result();
    // The first account holds the demo credit; later commands default to it.
    acquire.run("account", "create", "main", "--default").expect(0);
  }

  /** Registers through the binary; the authenticator secret is read from its QR code, as an app would. */
  static Totp register(AcquireBinary binary, String username) throws Exception {
    AcquireBinary.Result registered = binary.runWithInput(PASSWORD + "\n", "register", "--url", server.url(),
        "--user", username, "--password-stdin").expect(0);
    return Totp.fromProvisioningUriUnsafe(AcquireBinary.decodeQr(registered.outLines(), dir));
  }

  record LoginRun(String printedUrl, String scannedUrl, AcquireBinary.Result result) {}

  /** acquire login, its QR code read by zbarimg and approved by acquire approve (the phone's role). */
  static LoginRun logIn(AcquireBinary binary, String username, Totp totp) throws Exception {
    Process login = binary.builder("login").redirectError(ProcessBuilder.Redirect.INHERIT).start();
    BufferedReader out = AcquireBinary.lines(login);
    List<String> lines = new ArrayList<>();
    String printed = null;
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      lines.add(line);
      if (line.startsWith("Open ")) {
        printed = line.substring("Open ".length()).strip();
        break;
      }
    }
    assertTrue(printed != null, () -> "no login URL in:\n" + String.join("\n", lines));
    String scanned = AcquireBinary.decodeQr(lines, dir);
    new AcquireBinary(dir.resolve("phone")).env("PW", PASSWORD).env("SECRET", totp.base32SecretUnsafe())
        .run("approve", scanned, "--user", username, "--password-env", "PW", "--totp-secret-env", "SECRET")
        .expect(0);
    StringBuilder rest = new StringBuilder();
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      rest.append(line).append('\n');
    }
    assertTrue(login.waitFor(60, TimeUnit.SECONDS));
    return new LoginRun(printed, scanned, new AcquireBinary.Result(login.exitValue(), rest.toString(), ""));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  static JsonNode json(AcquireBinary.Result result) {
    return Json.read(result.out().getBytes(StandardCharsets.UTF_8), JsonNode.class);
  }

  @Test
  void loginShowsAQrCodeAPhoneCanReadAndKeepsTheSessionInAPrivateWallet() throws IOException {
    assertEquals(loginUrlPrinted, loginUrlScanned);
    assertTrue(loginUrlScanned.startsWith(server.url() + "/t/identity/"), loginUrlScanned);
    loginResult.expect(0);
    assertTrue(loginResult.out().contains("Logged in as ada"), loginResult.out());
    List<Path> walletFiles;
    try (var files = Files.list(dir.resolve("config").resolve("wallet"))) {
      walletFiles = files.toList();
    }
    // The session, and where the services are as the registry said (kept so later commands need not ask).
    assertEquals(1, walletFiles.stream().filter(f -> f.toString().endsWith(".session.json")).count(), walletFiles.toString());
    for (Path file : walletFiles) {
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), file.toString());
    }
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
        dir.resolve("config").resolve("config.properties"))));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("config"))));

    JsonNode who = json(acquire.run("whoami", "--json").expect(0));
    assertEquals("ada", who.get("username").asText());
    assertTrue(acquire.run("login").expect(0).out().contains("Already logged in as ada"));
  }

  @Test
  void accountsCanBeCreatedListedFundedAndCapped() {
    JsonNode created = json(acquire.run("account", "create", "savings", "--json").expect(0));
    assertEquals("savings", created.get("name").asText());
    assertEquals("0.00", created.get("balance").get("amount").asText());

    JsonNode list = json(acquire.run("account", "list", "--json").expect(0));
    assertTrue(list.isArray() && list.size() >= 2, list.toString());
    assertTrue(acquire.run("account", "list").expect(0).out().contains("savings"));

    String before = json(acquire.run("account", "balance", "--json").expect(0)).get("balance").get("amount").asText();
    acquire.run("account", "transfer", "5.00", "--to", "savings", "--description", "rainy day").expect(0);
    JsonNode savings = json(acquire.run("account", "balance", "savings", "--json").expect(0));
    assertEquals("5.00", savings.get("balance").get("amount").asText());
    assertTrue(acquire.run("account", "balance").expect(0).out().startsWith("main: "));
    assertFalse(before.equals(json(acquire.run("account", "balance", "main", "--json").expect(0))
        .get("balance").get("amount").asText()));

    JsonNode statement = json(acquire.run("account", "statement", "savings", "--json").expect(0));
    assertTrue(statement.toString().contains("rainy day"), statement.toString());
    assertTrue(acquire.run("account", "statement", "savings").expect(0).out().contains("rainy day"));

    JsonNode limits = json(acquire.run("account", "limits", "savings", "--daily-cap", "1.00", "--json").expect(0));
    assertEquals("1.00", limits.get("dailyCap").get("amount").asText());
    AcquireBinary.Result refused = acquire.run("account", "transfer", "2.00", "--from", "savings", "--to", "main")
        .expect(ExitCodes.INSUFFICIENT_FUNDS);
    assertEquals(1, refused.err().lines().count(), refused.err());
    assertTrue(refused.err().startsWith("acquire: "), refused.err());
    assertTrue(acquire.run("account", "limits", "savings", "--daily-cap", "none").expect(0).out()
        .contains("daily cap none"));
  }

  @Test
  void filesGoUpAndComeBackWithAProgressBarAndVersions() throws IOException {
    byte[] content = new byte[3 * 1024 * 1024 + 17];
    new Random(7).nextBytes(content);
    Path file = Files.write(dir.resolve("big.bin"), content);
    AcquireBinary.Result put = acquire.run("drive", "put", file.toString(), "files:data/big.bin", "--progress")
        .expect(0);
    assertTrue(put.err().contains("100% [##############################]"), put.err());
    assertTrue(put.err().contains("3.0 MiB / 3.0 MiB"), put.err());
    assertTrue(put.out().contains("version 1"), put.out());
    // Piped, no bar unless asked.
    assertEquals("", acquire.run("drive", "put", file.toString(), "files:data/").expect(0).err());

    JsonNode listed = json(acquire.run("drive", "ls", "files:data/", "--json").expect(0));
    assertEquals("data/big.bin", listed.get(0).get("path").asText());
    assertEquals(content.length, listed.get(0).get("size").asLong());
    assertTrue(acquire.run("drive", "ls").expect(0).out().contains("files"));
    assertEquals(2, json(acquire.run("drive", "versions", "files:data/big.bin", "--json").expect(0)).size());

    Path back = dir.resolve("back.bin");
    acquire.run("drive", "get", "files:data/big.bin", back.toString(), "--version", "1").expect(0);
    assertArrayEquals(content, Files.readAllBytes(back));

    assertTrue(acquire.run("drive", "get", "files:data/missing.bin", back.toString()).expect(ExitCodes.NOT_FOUND)
        .err().startsWith("acquire: "));
    acquire.run("drive", "ls", "no-such-drive").expect(ExitCodes.NOT_FOUND);
  }

  @Test
  void mistakesExitWithTheirDocumentedCodesAndOneLineOnStderr() throws IOException {
    AcquireBinary.Result usage = acquire.run("drive", "put", "--frobnicate");
    usage.expect(ExitCodes.USAGE);
    assertEquals(1, usage.err().lines().count(), usage.err());
    acquire.run("job", "submit", "--time", "soon", "--script", "x.sh").expect(ExitCodes.USAGE);

    AcquireBinary stranger = new AcquireBinary(dir.resolve("stranger"));
    AcquireBinary.Result notLoggedIn = stranger.run("account", "list", "--url", server.url(), "--user", "bob");
    notLoggedIn.expect(ExitCodes.NOT_LOGGED_IN);
    assertTrue(notLoggedIn.err().contains("acquire login"), notLoggedIn.err());

    // Port 9 of loopback: nothing listens, the connection is refused.
    AcquireBinary.Result down = stranger.run("register", "--url", "http://127.0.0.1:9", "--user", "carol",
        "--password-env", "NOPE");
    down.expect(ExitCodes.USAGE); // the password variable is checked before anything is sent
    AcquireBinary.Result refused = stranger.env("PW", PASSWORD)
        .run("register", "--url", "http://127.0.0.1:9", "--user", "carol", "--password-env", "PW");
    refused.expect(ExitCodes.UNREACHABLE);
    assertEquals(1, refused.err().lines().count(), refused.err());

    assertTrue(acquire.run("--help").expect(0).out().contains("Exit codes:"));
    assertTrue(acquire.run("job", "submit", "--help").expect(0).out().contains("Examples:"));
    assertTrue(acquire.run("--version").expect(0).out().startsWith("acquire "));
    assertTrue(acquire.run("generate-completion").expect(0).out().contains("complete -F"));
  }

  @Test
  void configLivesInTheProfileAndEnvironmentOverridesIt() {
    AcquireBinary other = new AcquireBinary(dir.resolve("profiles"));
    other.run("--profile", "work", "config", "set", "url", "http://127.0.0.1:1234").expect(0);
    JsonNode work = json(other.run("--profile", "work", "config", "show", "--json").expect(0));
    assertEquals("http://127.0.0.1:1234", work.get("url").asText());
    JsonNode plain = json(other.run("config", "show", "--json").expect(0));
    assertEquals(Cli.DEFAULT_URL, plain.get("url").asText());
    JsonNode overridden = json(other.env("ACQUIRE_URL", "http://127.0.0.1:4321")
        .run("--profile", "work", "config", "show", "--json").expect(0));
    assertEquals("http://127.0.0.1:4321", overridden.get("url").asText());
    other.run("config", "set", "colour", "blue").expect(ExitCodes.USAGE);
  }

  @Test
  void batchScriptsRunLikeSbatchAndAreWatchedWaitedOnAndCancelled() throws Exception {
    Optional<String> unavailable = BatchScript.unavailable();
    if (unavailable.isPresent() && "true".equals(System.getenv("CI"))) {
      fail("CI must run the batch-script tests, but " + unavailable.get());
    }
    assumeTrue(unavailable.isEmpty(), () -> "skipped: " + unavailable.get());
    Path table = Files.writeString(dir.resolve("table.csv"), "a,3\nb,1\nc,2\n");
    acquire.run("drive", "put", table.toString(), "work:data/table.csv").expect(0);
    Path script = Files.writeString(dir.resolve("run.sh"), """
        set -euo pipefail
        echo "rows: $(wc -l < data/table.csv) on $ACQUIRE_CORES cores"
        for i in 1 2 3 4 5 6; do echo "step $i"; sleep 0.5; done
        echo "to stderr" >&2
        sort -t, -k2 -n data/table.csv > "$ACQUIRE_OUTPUT/sorted.csv"
        """);

    JsonNode offers = json(acquire.run("job", "prices", "--json").expect(0)).get("offers");
    assertTrue(offers.toString().contains("batch-script"), offers.toString());
    JsonNode quote = json(acquire.run("job", "quote", "--script", script.toString(), "--cores", "2", "--time",
        "1:00", "--input", "work:data/table.csv", "--account", "main", "--json").expect(0));
    assertEquals(2, quote.get("cores").asInt());
    assertEquals(60, quote.get("maxRuntimeSeconds").asLong());

    JsonNode submitted = json(acquire.run("job", "submit", "--script", script.toString(), "--cores", "2", "--time",
        "1:00", "--input", "work:data/table.csv", "--json").expect(0));
    String id = submitted.get("id").asText();
    String state = json(acquire.run("job", "status", id, "--json").expect(0)).get("status").asText();
    assertTrue(state.equals("queued") || state.equals("running"), state);

    AcquireBinary.Result watched = acquire.run("job", "watch", id).expect(0);
    List<String> lines = watched.outLines();
    assertTrue(lines.contains("rows: 3 on 2 cores"), watched.out());
    assertTrue(lines.indexOf("step 1") < lines.indexOf("step 6") && lines.contains("step 6"), watched.out());
    assertTrue(watched.err().contains("to stderr"), watched.err());
    assertTrue(lines.get(lines.size() - 1).startsWith("Job " + id + " completed, cost "), watched.out());

    acquire.run("job", "wait", id).expect(0);
    assertTrue(json(acquire.run("job", "list", "--json").expect(0)).toString().contains(id));
    Path results = dir.resolve("results");
    JsonNode outputs = json(acquire.run("job", "outputs", id, "--get", results.toString(), "--json").expect(0));
    assertTrue(outputs.toString().contains("sorted.csv"), outputs.toString());
    assertEquals("b,1\nc,2\na,3\n", Files.readString(results.resolve("sorted.csv")));

    Path failing = Files.writeString(dir.resolve("fail.sh"), "echo trying; exit 3\n");
    String failed = json(acquire.run("job", "submit", "--script", failing.toString(), "--drive", "work", "--time", "1",
        "--json").expect(0)).get("id").asText();
    acquire.run("job", "wait", failed).expect(ExitCodes.JOB_FAILED);

    Path sleeping = Files.writeString(dir.resolve("sleep.sh"), "sleep 60\n");
    String slow = json(acquire.run("job", "submit", "--script", sleeping.toString(), "--drive", "work", "--time", "2",
        "--json").expect(0)).get("id").asText();
    acquire.run("job", "wait", slow, "--timeout", "0:01").expect(ExitCodes.JOB_STILL_RUNNING);
    acquire.run("job", "cancel", slow).expect(0);
    acquire.run("job", "wait", slow).expect(ExitCodes.JOB_CANCELLED);
  }

  @Test
  void aSimulationIsWatchedWithItsTemperatureAndEnergies() throws IOException {
    // 108 atoms for 2 ps, a record every 0.1 ps: 21 records in a second or two.
    Path input = Files.writeString(dir.resolve("argon.json"),
        "{\"system\": {\"cellsPerSide\": 3}, \"protocol\": {\"runtime\": 2, \"reportInterval\": 0.1}}");
    acquire.run("drive", "put", input.toString(), "sims:argon.json").expect(0);
    String id = json(acquire.run("job", "submit", "--workload", "md-equilibrate", "--input", "sims:argon.json",
        "--time", "5", "--json").expect(0)).get("id").asText();

    // On a terminal: a block of the latest values with sparklines, redrawn in place, in colour.
    String live = acquire.runOnTerminal("job", "watch", id).expect(0).out();
    assertTrue(live.contains("\u001b["), live);
    assertTrue(live.lines().anyMatch(l -> l.startsWith("Temperature ") && l.contains(" K ")
        && l.chars().anyMatch(c -> c >= '▁' && c <= '█')), live);
    assertFalse(live.contains("# t="), live);
    assertTrue(live.contains("Job " + id + " "), live);

    AcquireBinary.Result events = acquire.run("job", "watch", id, "--json").expect(0);
    List<JsonNode> parsed = events.out().lines().map(l -> Json.read(l.getBytes(StandardCharsets.UTF_8),
        JsonNode.class)).toList();
    List<JsonNode> records = parsed.stream().filter(e -> e.get("type").asText().equals("record")).toList();
    assertEquals(21, records.size(), events.out());
    assertEquals(2.0, records.get(20).get("time_ps").asDouble(), 1e-9);
    assertTrue(records.get(20).get("temperature_K").asDouble() > 0, records.get(20).toString());
    assertTrue(records.get(20).has("total_kJmol"), records.get(20).toString());
    JsonNode end = parsed.get(parsed.size() - 1);
    assertEquals("end", end.get("type").asText());
    assertEquals("completed", end.get("status").asText());

    List<String> plain = acquire.run("job", "watch", id).expect(0).outLines();
    assertEquals(21, plain.stream().filter(l -> l.startsWith("# t=")).count(), String.join("\n", plain));
    assertTrue(plain.stream().anyMatch(l -> l.startsWith("# t=2.000 ps  Temperature ") && l.contains(" K  ")),
        String.join("\n", plain));
  }

  @Test
  void logoutEndsTheSessionForLaterCommands() throws Exception {
    AcquireBinary eve = new AcquireBinary(dir.resolve("eve"));
    logIn(eve, "eve", register(eve, "eve")).result().expect(0);
    eve.run("whoami").expect(0);
    assertTrue(eve.run("logout").expect(0).out().contains("Logged out eve"));
    eve.run("whoami").expect(ExitCodes.NOT_LOGGED_IN);
    assertTrue(eve.run("logout").expect(0).out().contains("Not logged in"));
  }

  // Data management: deleting for a refund, paying, sharing, links, publishing, delegation ---------

  static Totp bob;

  /** A second user, registered once (not logged in: sharing and delegation need only the name). */
  static synchronized void bobExists() throws Exception {
    if (bob == null) {
      bob = register(new AcquireBinary(dir.resolve("bob")), "bob");
    }
  }

  static Path mebibyte(String name, int seed) throws IOException {
    byte[] content = new byte[1024 * 1024];
    new Random(seed).nextBytes(content);
    return Files.write(dir.resolve(name), content);
  }

  @Test
  void deletingFilesRefundsTheUnusedStorageAndTheStatementShowsIt() throws IOException {
    Path file = mebibyte("refund.bin", 11);
    acquire.run("drive", "put", file.toString(), "refunds:data/a.bin").expect(0);
    acquire.run("drive", "put", file.toString(), "refunds:data/a.bin").expect(0);
    acquire.run("drive", "put", file.toString(), "refunds:data/b.bin").expect(0);
    JsonNode paid = json(acquire.run("account", "statement", "--json").expect(0));
    assertTrue(paid.toString().contains("storage: drive refunds, data/a.bin v2"), paid.toString());

    JsonNode one = json(acquire.run("drive", "rm", "refunds:data/a.bin", "--version", "1", "--json").expect(0));
    assertEquals(1, one.get("versions").asInt());
    assertTrue(new java.math.BigDecimal(one.get("refunded").get("amount").asText()).signum() > 0, one.toString());
    JsonNode statement = json(acquire.run("account", "statement", "--json").expect(0));
    JsonNode last = statement.get(statement.size() - 1);
    assertTrue(last.get("description").asText().startsWith("storage refund: drive refunds, data/a.bin v1 deleted"),
        last.toString());
    assertEquals(one.get("refunded").get("amount").asText(), last.get("amount").get("amount").asText());
    assertEquals(1, json(acquire.run("drive", "versions", "refunds:data/a.bin", "--json").expect(0)).size());

    String folder = acquire.run("drive", "rm", "refunds:data", "--folder").expect(0).out();
    assertTrue(folder.startsWith("Deleted refunds:data: 2 versions, refunded "), folder);
    acquire.run("drive", "versions", "refunds:data/b.bin").expect(ExitCodes.NOT_FOUND);
    assertEquals(1, acquire.run("drive", "rm", "refunds:").expect(ExitCodes.USAGE).err().lines().count());
    acquire.run("drive", "rm", "refunds:x", "--folder", "--version", "1").expect(ExitCodes.USAGE);

    acquire.run("drive", "put", file.toString(), "scratch:c.bin").expect(0);
    assertTrue(acquire.run("drive", "rmdrive", "scratch").expect(ExitCodes.USAGE).err().contains("--yes"));
    JsonNode whole = json(acquire.run("drive", "rmdrive", "scratch", "--yes", "--json").expect(0));
    assertEquals(1, whole.get("versions").asInt());
    acquire.run("drive", "ls", "scratch").expect(ExitCodes.NOT_FOUND);
  }

  @Test
  void drivesAreExtendedArchivedAndPaidForFromAnotherAccount() throws IOException {
    acquire.run("drive", "put", mebibyte("keep.bin", 12).toString(), "keep:results/keep.bin").expect(0);
    JsonNode before = json(acquire.run("drive", "payer", "keep", "--json").expect(0));
    String main = json(acquire.run("account", "balance", "main", "--json").expect(0)).get("id").asText();
    assertEquals(main, before.get("payer").asText());

    JsonNode extended = json(acquire.run("drive", "extend", "keep", "--years", "2", "--json").expect(0));
    assertEquals("1.96", extended.get("charged").get("amount").asText()); // two years of 0.98
    JsonNode after = json(acquire.run("drive", "payer", "keep", "--json").expect(0));
    assertTrue(java.time.Instant.parse(after.get("paidUntil").asText())
        .isAfter(java.time.Instant.parse(before.get("paidUntil").asText()).plus(java.time.Duration.ofDays(700))),
        after.toString());
    acquire.run("drive", "extend", "keep", "--years", "0").expect(ExitCodes.USAGE);

    acquire.run("account", "create", "storage-fund").expect(0);
    acquire.run("account", "transfer", "3.00", "--to", "storage-fund").expect(0);
    String fund = json(acquire.run("account", "balance", "storage-fund", "--json").expect(0)).get("id").asText();
    assertEquals(fund, json(acquire.run("drive", "payer", "keep", "storage-fund", "--json").expect(0))
        .get("payer").asText());
    assertTrue(acquire.run("drive", "payer", "keep").expect(0).out().startsWith("keep: paid by " + fund));

    JsonNode archived = json(acquire.run("drive", "archive", "keep:results", "--json").expect(0));
    assertEquals(1, archived.get("versions").asInt());
    assertEquals("0.10", archived.get("charged").get("amount").asText()); // 1 MiB at 100.00 a GiB, rounded up
    assertTrue(new java.math.BigDecimal(archived.get("refunded").get("amount").asText()).signum() > 0,
        archived.toString());
  }

  @Test
  void drivesAreSharedWithUsersAndGroupsAndLinksWorkInCurlUntilRevoked() throws Exception {
    bobExists();
    Path notes = Files.writeString(dir.resolve("notes.txt"), "shared notes\n");
    acquire.run("drive", "put", notes.toString(), "lab:notes/notes.txt").expect(0);

    JsonNode rule = json(acquire.run("drive", "share", "lab", "bob", "--role", "reader", "--json").expect(0));
    assertEquals("reader", rule.get("role").asText());
    JsonNode group = json(acquire.run("group", "create", "team", "bob", "--json").expect(0));
    assertTrue(group.get("members").toString().contains("\"bob\""), group.toString());
    assertTrue(acquire.run("group", "list").expect(0).out().contains("team"));
    acquire.run("drive", "share", "lab:notes", "--group", "team", "--role", "writer").expect(0);
    JsonNode access = json(acquire.run("drive", "access", "lab", "--json").expect(0));
    // bob twice: directly as reader, and through the group as writer on notes
    assertEquals(2, entriesFor(access, "bob").size(), access.toString());
    assertTrue(entriesFor(access, "bob").stream().anyMatch(e -> e.get("why").asText().contains("team")
        && e.get("role").asText().equals("writer") && e.get("path").asText().equals("notes")), access.toString());
    assertTrue(acquire.run("drive", "access", "lab").expect(0).out().contains("team"));
    acquire.run("drive", "unshare", "lab", "bob").expect(0);
    assertEquals(1, entriesFor(json(acquire.run("drive", "access", "lab", "--json").expect(0)), "bob").size());
    assertFalse(json(acquire.run("group", "remove", "team", "bob", "--json").expect(0)).get("members").toString()
        .contains("\"bob\""));
    assertEquals(0, entriesFor(json(acquire.run("drive", "access", "lab", "--json").expect(0)), "bob").size());
    acquire.run("drive", "share", "lab", "bob", "--role", "boss").expect(ExitCodes.USAGE);
    acquire.run("drive", "share", "lab", "--role", "reader").expect(ExitCodes.USAGE);
    acquire.run("drive", "share", "lab", "--group", "nobody", "--role", "reader").expect(ExitCodes.NOT_FOUND);

    // On the terminal's output: the URL and a QR code that reads as the same URL.
    AcquireBinary.Result shown = acquire.run("drive", "link", "lab:notes/notes.txt", "--expires", "7d",
        "--max-uses", "2").expect(0);
    String url = shown.outLines().stream().filter(l -> l.startsWith("http")).findFirst().orElseThrow();
    assertEquals(url, AcquireBinary.decodeQr(shown.outLines(), dir));
    Path fetched = dir.resolve("fetched.txt");
    assertEquals(0, curl("-sSf", "-o", fetched.toString(), url));
    assertEquals("shared notes\n", Files.readString(fetched));
    Path again = dir.resolve("again.txt");
    assertEquals(13, json(acquire.run("drive", "fetch", url, again.toString(), "--json").expect(0)).get("size").asInt());
    assertEquals("shared notes\n", Files.readString(again), "the command line fetches through the link too");

    JsonNode links = json(acquire.run("drive", "links", "lab", "--json").expect(0));
    assertEquals(2, links.get(0).get("uses").asInt(), links.toString());
    assertEquals(2, links.get(0).get("maxUses").asInt());
    assertFalse(links.get(0).has("url"), links.toString());
    String id = links.get(0).get("id").asText();
    assertTrue(acquire.run("drive", "revoke-link", id).expect(0).out().startsWith("Revoked link " + id));
    assertTrue(json(acquire.run("drive", "links", "lab", "--json").expect(0)).get(0).get("revoked").asBoolean());
    assertFalse(curl("-sSf", "-o", fetched.toString(), url) == 0, "a revoked link still works");
    acquire.run("drive", "revoke-link", "lnk_nonesuch").expect(ExitCodes.NOT_FOUND);
    acquire.run("drive", "link", "lab:notes/notes.txt", "--expires", "soon").expect(ExitCodes.USAGE);
    acquire.run("drive", "link", "lab:notes/notes.txt", "--read", "--write").expect(ExitCodes.USAGE);
  }

  static List<JsonNode> entriesFor(JsonNode access, String user) {
    List<JsonNode> entries = new ArrayList<>();
    access.forEach(e -> {
      if (e.get("user").asText().equals(user)) {
        entries.add(e);
      }
    });
    return entries;
  }

  static int curl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("curl", "--max-time", "30"));
    command.addAll(List.of(args));
    Process curl = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    assertTrue(curl.waitFor(60, TimeUnit.SECONDS));
    return curl.exitValue();
  }

  @Test
  void foldersAndJobOutputsArePublishedCitedAndWithdrawn() throws Exception {
    Path data = Files.writeString(dir.resolve("data.csv"), "t,T\n0,120\n");
    acquire.run("drive", "put", data.toString(), "paper:run1/data.csv").expect(0);
    JsonNode published = json(acquire.run("publish", "paper:run1", "--title", "Argon at 120 K", "--creator",
        "Lovelace, Ada", "--description", "A test.", "--json").expect(0));
    String identifier = published.get("identifier").asText();
    assertEquals("data.csv", published.get("files").get(0).get("path").asText());
    Path fetched = dir.resolve("published.csv");
    assertEquals(0, curl("-sSf", "-o", fetched.toString(), published.get("files").get(0).get("url").asText()));
    assertEquals(Files.readString(data), Files.readString(fetched));

    assertTrue(json(acquire.run("publication", "list", "--json").expect(0)).toString().contains(identifier));
    assertTrue(acquire.run("publication", "show", identifier).expect(0).out().contains("Argon at 120 K"));
    assertTrue(acquire.run("publication", "cite", identifier, "--format", "bibtex").expect(0).out()
        .startsWith("@misc"));
    JsonNode csl = json(acquire.run("publication", "cite", identifier, "--format", "csl-json").expect(0));
    assertEquals("Argon at 120 K", csl.get(0).get("title").asText());
    acquire.run("publication", "cite", identifier, "--format", "mla").expect(ExitCodes.USAGE);
    acquire.run("publish", "paper:run1", "--title", "No creator").expect(ExitCodes.USAGE);

    JsonNode withdrawn = json(acquire.run("publication", "withdraw", identifier, "--reason", "a test", "--json")
        .expect(0));
    assertTrue(withdrawn.get("withdrawn").asBoolean());
    assertFalse(curl("-sSf", "-o", fetched.toString(), published.get("files").get(0).get("url").asText()) == 0);
    acquire.run("publication", "show", "10.5072/none").expect(ExitCodes.NOT_FOUND);

    // A job's outputs, by the job's id.
    Path input = Files.writeString(dir.resolve("tiny.json"),
        "{\"system\": {\"cellsPerSide\": 3}, \"protocol\": {\"runtime\": 0.5, \"reportInterval\": 0.1}}");
    acquire.run("drive", "put", input.toString(), "sims:tiny.json").expect(0);
    String job = json(acquire.run("job", "submit", "--workload", "md-equilibrate", "--input", "sims:tiny.json",
        "--time", "5", "--json").expect(0)).get("id").asText();
    acquire.run("job", "wait", job).expect(0);
    JsonNode outputs = json(acquire.run("publish", "--job", job, "--title", "Tiny argon", "--creator", "Acquire Lab",
        "--json").expect(0));
    assertTrue(outputs.get("files").size() > 0, outputs.toString());
    assertEquals("", outputs.get("folder").asText());
  }

  @Test
  void accountsDelegateBudgetsToMembersWhoCanBeFrozenAndClosed() throws Exception {
    bobExists();
    acquire.run("account", "create", "grant").expect(0);
    acquire.run("account", "transfer", "12.00", "--to", "grant").expect(0);
    JsonNode delegated = json(acquire.run("account", "delegate", "grant", "--member", "bob", "--budget", "10.00",
        "--daily-cap", "2.00", "--json").expect(0));
    assertEquals(1, delegated.size(), delegated.toString());
    assertEquals("bob", delegated.get(0).get("member").asText());
    assertEquals("10.00", delegated.get(0).get("budget").get("amount").asText());
    assertEquals("2.00", delegated.get(0).get("dailyCap").get("amount").asText());
    String sub = delegated.get(0).get("account").asText();
    assertEquals("2.00", json(acquire.run("account", "balance", "grant", "--json").expect(0)).get("balance")
        .get("amount").asText());
    // Other figures for the same member are refused: budget changes the budget.
    acquire.run("account", "delegate", "grant", "--member", "bob", "--budget", "50.00").expect(ExitCodes.CONFLICT);

    JsonNode budgets = json(acquire.run("account", "budgets", "grant", "--json").expect(0));
    assertEquals(sub, budgets.get("members").get(0).get("account").asText());
    assertTrue(acquire.run("account", "budgets", "grant").expect(0).out().contains("bob"));
    assertEquals("frozen", json(acquire.run("account", "freeze", sub, "--json").expect(0)).get(0).get("status")
        .asText());
    JsonNode closed = json(acquire.run("account", "close", sub, "--json").expect(0));
    assertEquals("10.00", closed.get("returned").get("amount").asText());
    assertEquals("12.00", json(acquire.run("account", "balance", "grant", "--json").expect(0)).get("balance")
        .get("amount").asText());
  }
}
