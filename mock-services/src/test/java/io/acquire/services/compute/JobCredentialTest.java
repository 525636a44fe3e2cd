package io.acquire.services.compute;

import static io.acquire.services.compute.ComputeFixture.assertRefused;
import static io.acquire.services.compute.ComputeFixture.finishedJob;
import static io.acquire.services.compute.ComputeFixture.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.acquire.client.wire.Base64Url;
import io.acquire.client.wire.Json;
import io.acquire.client.wire.RequestSignature;
import io.acquire.client.wire.SessionCertificate;
import io.acquire.client.wire.SessionClaims;
import io.acquire.client.wire.SigningKey;
import io.acquire.client.wire.StorageWire;
import io.acquire.services.compute.ComputeFixture.Person;
import io.acquire.services.compute.ComputeFixture.Snapshot;
import io.acquire.services.http.SessionKeys;
import io.acquire.services.store.JsonObjects;
import io.acquire.services.testing.TestSessions.Reply;
import io.acquire.services.testing.TestSessions.Session;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A job's credential is a certificate compute signs for the job's owner with a scope of
 * named drives. Compute's key can never stand in for a person, the credential reaches only
 * its drives and nothing else of its owner's, and it dies with the job.
 */
class JobCredentialTest {
  @TempDir
  static Path work;
  static ComputeFixture compute;

  @BeforeAll
  static void start() {
    compute = new ComputeFixture(Clock.systemUTC(), Map.of("compute.keep-work", "true",
        "compute.work-directory", work.toString()));
  }

  @AfterAll
  static void stop() {
    compute.close();
  }

  /** A certificate signed with compute's own key, as the store keeps it (sealed), for {@code user} with {@code scope}. */
  static Session signedByCompute(String user, String scope) {
    SigningKey computeKey = io.acquire.services.ServiceKeys.load(compute.store,
        io.acquire.services.KeyEncryptionKey.forThisProcess(), "compute");
    SigningKey sessionKey = SigningKey.generate();
    Instant now = Instant.now();
    SessionClaims claims = new SessionClaims("compute", user, "job-test-" + UUID.randomUUID(),
        sessionKey.verifyingKey().toBase64Url(), scope, now, now.plus(Duration.ofHours(1)));
    return compute.sessions.session(sessionKey, SessionCertificate.issue(claims, computeKey));
  }

  static String outputDrive(Person person) {
    return compute.drives.createOutputDrive(person.name(), "job_" + UUID.randomUUID().toString().substring(0, 8)).id();
  }

  @ParameterizedTest
  @ValueSource(strings = {"user", "user drive:%s:read", "drive:%s:read user", "drive:%s:delete", "drive:%s:read "})
  void aComputeCertificateForMoreThanDrivesIsRefusedEverywhere(String scope) {
    Person ada = compute.person("ada");
    Session forged = signedByCompute(ada.name(), scope.formatted(ada.drive()));
    Snapshot before = compute.snapshot(ada);
    for (String path : new String[] {"/t/storage/drives", "/t/storage/drives/" + ada.drive() + "/files",
        "/t/accounting/accounts", "/t/accounting/accounts/" + ada.account(), "/t/compute/jobs"}) {
      assertRefused(forged.send("GET", path, null), 401, "compute may only grant access to drives");
    }
    assertRefused(forged.send("POST", "/t/compute/quotes", Json.writeString(ComputeFixture.request(ada,
        "md/short.json"))), 401, "compute may only grant access to drives");
    assertEquals(before, compute.snapshot(ada));
  }

  @Test
  void aCertificateFromAnotherServiceIsRefused() {
    Person ada = compute.person("ada");
    SigningKey storageKey = io.acquire.services.ServiceKeys.load(compute.store,
        io.acquire.services.KeyEncryptionKey.forThisProcess(), "storage");
    SigningKey sessionKey = SigningKey.generate();
    Instant now = Instant.now();
    SessionClaims claims = new SessionClaims("storage", ada.name(), "s-" + UUID.randomUUID(),
        sessionKey.verifyingKey().toBase64Url(), "drive:" + ada.drive() + ":read", now, now.plusSeconds(600));
    Session session = compute.sessions.session(sessionKey, SessionCertificate.issue(claims, storageKey));
    assertRefused(session.send("GET", "/t/storage/drives/" + ada.drive() + "/files", null), 401,
        "its issuer 'storage' is not trusted");
  }

  @Test
  void aJobCredentialReadsAndWritesOnlyTheDrivesItNames() {
    Person ada = compute.person("ada");
    String output = outputDrive(ada);
    String other = compute.drives.open(ada.name(), "other").id();
    Session job = signedByCompute(ada.name(), "drive:" + output + ":write drive:" + ada.drive() + ":read");

    assertEquals(200, job.send("GET", "/t/storage/drives/" + ada.drive() + "/files", null).status());
    Reply input = job.send("GET", "/t/storage/drives/" + ada.drive() + "/content?path=md/short.json", null);
    assertEquals(ComputeServiceTest.SHORT_RAMP, input.body());
    upload(job, output, "records.csv", "t,T\n0,60\n");
    assertEquals(200, job.send("GET", "/t/storage/drives/" + output + "/files", null).status());

    assertRefused(startUpload(job, ada.drive(), "sneaky.json", "{}"), 403, "may read drive " + ada.drive()
        + " but not change it");
    for (String path : new String[] {"/files", "/content?path=md/short.json", ""}) {
      assertRefused(job.send("GET", "/t/storage/drives/" + other + path, null), 404, "covers no drive " + other);
    }
    assertRefused(startUpload(job, other, "sneaky.json", "{}"), 404, "covers no drive " + other);
    JsonNode files = json(ada.session().send("GET", "/t/storage/drives/" + ada.drive() + "/files", null));
    assertEquals(2, files.get("files").size(), "the input drive is as it was: " + files);
  }

  /** Compute names only its job's drives, which it checked are the owner's; storage does not take that on trust. */
  @Test
  void aJobCredentialNeverReachesAnotherUsersDriveEvenIfNamed() {
    Person ada = compute.person("ada");
    Person bob = compute.person("bob");
    Session job = signedByCompute(ada.name(), "drive:" + bob.drive() + ":write");
    assertRefused(job.send("GET", "/t/storage/drives/" + bob.drive() + "/files", null), 404,
        "covers no drive " + bob.drive());
    assertRefused(startUpload(job, bob.drive(), "sneaky.json", "{}"), 404, "covers no drive " + bob.drive());
  }

  /** The job's id, and so its output drive's name, follows from the quote's id, which its owner knows. */
  @Test
  void anOwnerCannotCreateTheOutputDriveOfAJobBeforeTheJob() {
    Person ada = compute.person("ada");
    String quote = ComputeFixture.quoteId(ada, "md/short.json");
    String jobId = "job_" + RequestSignature.sha256Hex(quote.getBytes(StandardCharsets.UTF_8)).substring(0, 24);
    Snapshot before = compute.snapshot(ada);
    assertRefused(ada.session().send("POST", "/t/storage/drives", "{\"name\":\"" + jobId + "\"}"), 400,
        "Drive names starting with 'job_' are kept for jobs' outputs");
    assertEquals(before, compute.snapshot(ada), "no drive was created");

    String output = outputDrive(ada);
    String name = compute.drives.get(output).orElseThrow().name();
    JsonNode opened = json(ada.session().send("POST", "/t/storage/drives", "{\"name\":\"" + name + "\"}"));
    assertEquals(output, opened.get("id").asText(), "an existing output drive opens by name");
    assertTrue(opened.get("readOnly").asBoolean());
  }

  static Stream<Arguments> personalEndpoints() {
    return Stream.of(
        Arguments.of("GET", "/t/storage/drives", null),
        Arguments.of("POST", "/t/storage/drives", "{\"name\":\"mine\"}"),
        Arguments.of("GET", "/t/accounting/accounts", null),
        Arguments.of("POST", "/t/accounting/accounts", "{\"name\":\"mine\"}"),
        Arguments.of("GET", "/t/accounting/accounts/{account}", null),
        Arguments.of("GET", "/t/accounting/accounts/{account}/statement", null),
        Arguments.of("PUT", "/t/accounting/accounts/{account}/limits", "{}"),
        Arguments.of("POST", "/t/accounting/transfers", "{\"from\":\"{account}\",\"to\":\"acct_revenue\","
            + "\"amount\":{\"amount\":\"1.00\",\"currency\":\"GBP\"},\"idempotencyKey\":\"k1\"}"),
        Arguments.of("POST", "/t/accounting/holds", "{\"account\":\"{account}\",\"amount\":{\"amount\":\"1.00\","
            + "\"currency\":\"GBP\"},\"expiresInSeconds\":60,\"idempotencyKey\":\"k2\"}"),
        Arguments.of("GET", "/t/accounting/holds/{hold}", null),
        Arguments.of("POST", "/t/accounting/holds/{hold}/capture", "{\"amount\":{\"amount\":\"1.00\",\"currency\":\"GBP\"}}"),
        Arguments.of("POST", "/t/accounting/holds/{hold}/void", null),
        Arguments.of("POST", "/t/compute/quotes", "{}"),
        Arguments.of("POST", "/t/compute/jobs", "{\"quote\":\"quote_0123\"}"),
        Arguments.of("GET", "/t/compute/jobs", null),
        Arguments.of("GET", "/t/compute/jobs/job_0123", null),
        Arguments.of("POST", "/t/compute/jobs/job_0123/cancel", null));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("personalEndpoints")
  void aJobCredentialCannotUseItsOwnersDrivesListAccountsOrJobs(String method, String path, String body) {
    Person ada = compute.person("ada");
    Reply held = ada.session().send("POST", "/t/accounting/holds", "{\"account\":\"" + ada.account()
        + "\",\"amount\":{\"amount\":\"2.00\",\"currency\":\"GBP\"},\"expiresInSeconds\":600,\"idempotencyKey\":\"h\"}");
    assertEquals(201, held.status(), held.body());
    String hold = json(held).get("id").asText();
    Session job = signedByCompute(ada.name(), "drive:" + outputDrive(ada) + ":write drive:" + ada.drive() + ":read");
    Snapshot before = compute.snapshot(ada);
    String target = path.replace("{account}", ada.account()).replace("{hold}", hold);
    assertRefused(job.send(method, target, body == null ? null : body.replace("{account}", ada.account())), 403,
        "This session's scope (drive:");
    assertEquals(before, compute.snapshot(ada), "the hold is still held and no money moved");
  }

  @Test
  void aJobsCredentialIsRevokedWhenTheJobEnds() throws Exception {
    Person ada = compute.person("ada");
    JsonNode job = finishedJob(ada);
    String id = job.get("id").asText();
    String output = job.get("outputDrive").asText();
    JobTicket ticket = Json.read(Files.readAllBytes(work.resolve(id).resolve("ticket.json")), JobTicket.class);
    SessionCertificate certificate = SessionCertificate.parseUnverified(ticket.certificate());
    assertEquals("compute", certificate.claims().issuer());
    assertEquals("drive:" + output + ":write drive:" + ada.drive() + ":read", certificate.claims().scope());
    JobRecord record = new JsonObjects(compute.store).get("compute/jobs/" + id, JobRecord.class).orElseThrow();
    assertEquals(record.credential(), certificate.claims().sessionId());
    assertTrue(compute.store.get(SessionKeys.revoked(record.credential())).isPresent());
    JsonNode outputs = json(ada.session().send("GET", "/t/storage/drives/" + output + "/files", null));
    assertTrue(outputs.toString().contains("job.log"), "the runner wrote with the credential while it ran: " + outputs);

    Session credential = compute.sessions.session(SigningKey.fromSeedUnsafe(Base64Url.decode(ticket.keySeed())),
        certificate);
    assertRefused(credential.send("GET", "/t/storage/drives/" + output + "/files", null), 401, "logged out");
    assertRefused(credential.send("GET", "/t/storage/drives/" + ada.drive() + "/content?path=md/bad.json", null),
        401, "logged out");
    assertRefused(startUpload(credential, output, "late.csv", "t\n"), 401, "logged out");
  }

  private static Reply startUpload(Session session, String drive, String path, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    return session.send("POST", "/t/storage/drives/" + drive + "/uploads", Json.writeString(
        new StorageWire.StartUpload(path, bytes.length, RequestSignature.sha256Hex(bytes), null)));
  }

  private static void upload(Session session, String drive, String path, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    Reply started = startUpload(session, drive, path, text);
    assertEquals(201, started.status(), started.body());
    String upload = json(started).get("id").asText();
    Reply chunk = session.sendBytes("PUT", "/t/storage/drives/" + drive + "/uploads/" + upload + "/chunks/0", bytes,
        Map.of(StorageWire.CHUNK_SHA256_HEADER, RequestSignature.sha256Hex(bytes)));
    assertEquals(204, chunk.status(), chunk.body());
    Reply completed = session.send("POST", "/t/storage/drives/" + drive + "/uploads/" + upload + "/complete", null);
    assertEquals(200, completed.status(), completed.body());
  }
}
