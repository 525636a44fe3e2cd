package io.acquire.services.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.acquire.client.Account;
import io.acquire.client.User;
import io.acquire.client.wire.RequestSignature;
import io.acquire.client.wire.SessionCertificate;
import io.acquire.client.wire.SessionClaims;
import io.acquire.client.wire.SigningKey;
import io.acquire.services.AcquireServer;
import io.acquire.services.store.MemoryObjectStore;
import io.acquire.services.testing.MutableClock;
import io.acquire.services.testing.RealLogins;
import io.acquire.services.testing.ServiceCalls;
import io.acquire.services.testing.TestSessions.Reply;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Calls between services on the real backend: accepted only when signed by the calling
 * service's registered key, fresh and unseen, from a service the endpoint serves; refused
 * to forgers, replays, stale requests, other services and people.
 */
class ServiceCallsTest {
  static final MemoryObjectStore store = new MemoryObjectStore();
  static final MutableClock clock = MutableClock.ofNow();
  static AcquireServer server;
  static User ada;
  static String account;

  @BeforeAll
  static void start() {
    server = AcquireServer.builder().store(store).clock(clock).port(0).option("identity.bcrypt-cost", "4").start();
    ada = RealLogins.loggedIn(server.url(), "ada");
    account = Account.create(ada, "main").id();
  }

  @AfterAll
  static void stop() {
    ada.close();
    server.close();
    store.close();
  }

  private static String owned(String user) {
    return "{\"user\":\"" + user + "\",\"account\":\"" + account + "\"}";
  }

  private static Reply call(String service, SigningKey key, String json) {
    return ServiceCalls.send(server.url(), service, key, "POST", "/t/accounting/service/owned", json,
        clock.instant().getEpochSecond());
  }

  @Test
  void aCallSignedWithComputesRegisteredKeyIsAnswered() {
    Reply reply = call("compute", ServiceCalls.keyOf(store, "compute"), owned("ada"));
    assertEquals(200, reply.status(), reply.body());
    assertTrue(reply.body().contains(account), reply.body());
  }

  @Test
  void theLedgersRulesStillApplyToACallFromCompute() {
    Reply reply = call("compute", ServiceCalls.keyOf(store, "compute"), owned("mallory"));
    assertEquals(404, reply.status(), "mallory does not own ada's account: " + reply.body());
  }

  @Test
  void aCallSignedWithAKeyTheRegistryDoesNotListIsRefused() {
    Reply reply = call("compute", SigningKey.generate(), owned("ada"));
    assertEquals(401, reply.status(), reply.body());
    assertTrue(reply.body().contains("not one the registry lists for compute"), reply.body());
  }

  @Test
  void aCallClaimingToBeComputeButSignedWithStoragesKeyIsRefused() {
    Reply reply = call("compute", ServiceCalls.keyOf(store, "storage"), owned("ada"));
    assertEquals(401, reply.status(), reply.body());
  }

  @Test
  void aCallWhoseBodyWasChangedAfterSigningIsRefused() {
    Map<String, String> headers = io.acquire.services.http.ServiceSignature.sign("compute",
        ServiceCalls.keyOf(store, "compute"), "POST", "/t/accounting/service/owned",
        owned("ada").getBytes(StandardCharsets.UTF_8), clock.instant().getEpochSecond());
    Reply reply = ServiceCalls.send(server.url(), "POST", "/t/accounting/service/owned",
        owned("bob").getBytes(StandardCharsets.UTF_8), headers);
    assertEquals(401, reply.status(), reply.body());
    assertTrue(reply.body().contains("signature does not match"), reply.body());
  }

  @Test
  void aReplayedCallIsRefused() {
    Supplier<Reply> once = ServiceCalls.signedOnce(server.url(), "compute", ServiceCalls.keyOf(store, "compute"),
        "POST", "/t/accounting/service/owned", owned("ada"), clock.instant().getEpochSecond());
    assertEquals(200, once.get().status());
    Reply replay = once.get();
    assertEquals(401, replay.status(), replay.body());
    assertTrue(replay.body().contains("replay"), replay.body());
  }

  @Test
  void aStaleCallIsRefused() {
    Reply reply = ServiceCalls.send(server.url(), "compute", ServiceCalls.keyOf(store, "compute"), "POST",
        "/t/accounting/service/owned", owned("ada"), clock.instant().getEpochSecond() - 600);
    assertEquals(401, reply.status(), reply.body());
    assertTrue(reply.body().contains("timestamp"), reply.body());
  }

  @Test
  void anotherServiceWithItsOwnGoodKeyMayNotCallComputesEndpoints() {
    // Storage may ask who owns an account (it checks a drive's payer), but job holds are compute's.
    assertEquals(200, call("storage", ServiceCalls.keyOf(store, "storage"), owned("ada")).status());
    Reply reply = ServiceCalls.send(server.url(), "storage", ServiceCalls.keyOf(store, "storage"), "POST",
        "/t/accounting/service/holds", owned("ada"), clock.instant().getEpochSecond());
    assertEquals(403, reply.status(), reply.body());
    assertTrue(reply.body().contains("Only compute may call this endpoint"), reply.body());
  }

  @Test
  void aPersonsSignedSessionMayNotCallServiceEndpoints() {
    SigningKey sessionKey = SigningKey.generate();
    java.time.Instant now = clock.instant();
    SessionCertificate certificate = SessionCertificate.issue(new SessionClaims("identity", "ada",
        UUID.randomUUID().toString(), sessionKey.verifyingKey().toBase64Url(), SessionClaims.SCOPE_USER, now,
        now.plusSeconds(3600)), ServiceCalls.keyOf(store, "identity"));
    String hold = "{\"user\":\"ada\",\"account\":\"" + account + "\",\"amount\":{\"amount\":\"1.00\",\"currency\":"
        + "\"GBP\"},\"expiresAt\":\"" + now.plusSeconds(3600) + "\",\"description\":\"mine\",\"idempotencyKey\":\"k1\"}";
    byte[] body = hold.getBytes(StandardCharsets.UTF_8);
    Map<String, String> headers = new HashMap<>(RequestSignature.sign(sessionKey, certificate, "POST",
        "/t/accounting/service/holds", body, now.getEpochSecond()));
    Reply reply = ServiceCalls.send(server.url(), "POST", "/t/accounting/service/holds", body, headers);
    assertEquals(403, reply.status(), reply.body());
    assertTrue(reply.body().contains("for Acquire's own services"), reply.body());
  }

  @Test
  void computeSettlesAHoldItPlacedButNoHoldThatIsNotAJobs() {
    java.time.Instant now = clock.instant();
    String hold = "{\"user\":\"ada\",\"account\":\"" + account + "\",\"amount\":{\"amount\":\"1.00\",\"currency\":"
        + "\"GBP\"},\"expiresAt\":\"" + now.plusSeconds(3600) + "\",\"description\":\"job\",\"idempotencyKey\":\""
        + UUID.randomUUID() + "\"}";
    SigningKey compute = ServiceCalls.keyOf(store, "compute");
    Reply placed = ServiceCalls.send(server.url(), "compute", compute, "POST", "/t/accounting/service/holds", hold,
        now.getEpochSecond());
    assertEquals(201, placed.status(), placed.body());
    String holdId = placed.body().replaceAll(".*\"hold\":\"([^\"]+)\".*", "$1");
    Reply settled = ServiceCalls.send(server.url(), "compute", compute, "POST",
        "/t/accounting/service/holds/" + holdId + "/settle", "{\"amount\":{\"amount\":\"0.40\",\"currency\":\"GBP\"}}",
        now.getEpochSecond());
    assertEquals(200, settled.status(), settled.body());
    assertTrue(settled.body().contains("\"0.40\""), settled.body());
    Reply unknown = ServiceCalls.send(server.url(), "compute", compute, "POST",
        "/t/accounting/service/holds/hold_nothere/settle", "{\"amount\":{\"amount\":\"0.40\",\"currency\":\"GBP\"}}",
        now.getEpochSecond());
    assertEquals(404, unknown.status(), unknown.body());
  }
}
