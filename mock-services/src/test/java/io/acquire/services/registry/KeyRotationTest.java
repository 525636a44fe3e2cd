package io.acquire.services.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.acquire.client.wire.Json;
import io.acquire.client.wire.RequestSignature;
import io.acquire.client.wire.ServiceInfo;
import io.acquire.client.wire.SessionCertificate;
import io.acquire.client.wire.SessionClaims;
import io.acquire.client.wire.SigningKey;
import io.acquire.services.AcquireServer;
import io.acquire.services.store.MemoryObjectStore;
import io.acquire.services.testing.MutableClock;
import io.acquire.services.testing.ServiceCalls;
import io.acquire.services.testing.TestSessions.Reply;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Rotating a service's key: the new key signs at once, the old one stays trusted for the
 * grace period (for service calls and for the session certificates identity signed with
 * it) and not a moment after; only the current key may change a service's registration.
 */
class KeyRotationTest {
  private final MemoryObjectStore store = new MemoryObjectStore();
  private final MutableClock clock = MutableClock.ofNow();

  @AfterEach
  void closeStore() {
    store.close();
  }

  private AcquireServer.Builder backend() {
    return AcquireServer.builder().store(store).clock(clock).port(0).option("identity.bcrypt-cost", "4");
  }

  private static ServiceInfo listed(AcquireServer server, String service) {
    Reply reply = ServiceCalls.send(server.url(), "GET", "/t/registry/services/" + service, new byte[0],
        java.util.Map.of());
    assertEquals(200, reply.status(), reply.body());
    return Json.read(reply.body().getBytes(), ServiceInfo.class);
  }

  /** A call from compute, signed with {@code key}, that only compute may make. */
  private int computeCall(AcquireServer server, SigningKey key) {
    return ServiceCalls.send(server.url(), "compute", key, "POST", "/t/accounting/service/owned",
        "{\"user\":\"ada\",\"account\":\"acct_none\"}", clock.instant().getEpochSecond()).status();
  }

  /** A person's request, with a session certificate signed by {@code identityKey}. */
  private int personCall(AcquireServer server, SigningKey identityKey) {
    SigningKey sessionKey = SigningKey.generate();
    Instant now = clock.instant();
    SessionCertificate certificate = SessionCertificate.issue(new SessionClaims("identity", "ada",
        UUID.randomUUID().toString(), sessionKey.verifyingKey().toBase64Url(), SessionClaims.SCOPE_USER, now,
        now.plus(Duration.ofDays(1))), identityKey);
    return ServiceCalls.send(server.url(), "GET", "/t/accounting/accounts", new byte[0],
        RequestSignature.sign(sessionKey, certificate, "GET", "/t/accounting/accounts", new byte[0],
            now.getEpochSecond())).status();
  }

  @Test
  void aRotatedKeyStaysTrustedForItsGraceAndNotAfter() {
    SigningKey oldCompute;
    SigningKey oldIdentity;
    try (AcquireServer first = backend().start()) {
      oldCompute = ServiceCalls.keyOf(store, "compute");
      oldIdentity = ServiceCalls.keyOf(store, "identity");
      assertEquals(404, computeCall(first, oldCompute), "the call is answered: there is no such account");
    }
    try (AcquireServer rotated = backend().rotateKeys(Duration.ofHours(2)).start()) {
      SigningKey newCompute = ServiceCalls.keyOf(store, "compute");
      SigningKey newIdentity = ServiceCalls.keyOf(store, "identity");
      assertNotEquals(oldCompute.verifyingKey(), newCompute.verifyingKey());
      ServiceInfo compute = listed(rotated, "compute");
      assertEquals(newCompute.verifyingKey().toBase64Url(), compute.publicKey());
      assertEquals(List.of(oldCompute.verifyingKey().toBase64Url()),
          compute.retiringKeys().stream().map(ServiceInfo.RetiringKey::publicKey).toList());

      assertEquals(404, computeCall(rotated, oldCompute), "the old key is trusted during the grace");
      assertEquals(404, computeCall(rotated, newCompute));
      assertEquals(200, personCall(rotated, oldIdentity), "certificates signed before the rotation still count");
      assertEquals(200, personCall(rotated, newIdentity));

      clock.advance(Duration.ofHours(2).plusSeconds(1));
      assertEquals(401, computeCall(rotated, oldCompute), "the grace has ended");
      assertEquals(401, personCall(rotated, oldIdentity), "so have certificates signed with the old key");
      assertEquals(404, computeCall(rotated, newCompute));
      assertEquals(200, personCall(rotated, newIdentity));
    }
  }

  @Test
  void aServiceInAnotherProcessRegistersAndRotatesItsKeyThroughTheRegistry() {
    try (AcquireServer main = backend().services(List.of("registry", "identity", "accounting", "storage")).start()) {
      String registry = main.url() + "/t/registry";
      SigningKey oldCompute;
      try (AcquireServer compute = backend().services(List.of("compute")).registryUrl(registry).start()) {
        oldCompute = ServiceCalls.keyOf(store, "compute");
        ServiceInfo listed = listed(main, "compute");
        assertEquals(compute.url() + "/t/compute", listed.url());
        assertEquals(oldCompute.verifyingKey().toBase64Url(), listed.publicKey());
      }
      try (AcquireServer compute = backend().services(List.of("compute")).registryUrl(registry)
          .rotateKeys(Duration.ofHours(1)).start()) {
        ServiceInfo listed = listed(main, "compute");
        assertEquals(compute.url() + "/t/compute", listed.url());
        assertEquals(ServiceCalls.keyOf(store, "compute").verifyingKey().toBase64Url(), listed.publicKey());
        assertEquals(oldCompute.verifyingKey().toBase64Url(), listed.retiringKeys().get(0).publicKey());
        assertTrue(listed.retiringKeys().get(0).retiresAt().isAfter(clock.instant().plus(Duration.ofMinutes(59))));

        SigningKey forger = SigningKey.generate();
        Reply forged = register(main, forger, "http://evil.example/t/compute", forger);
        assertEquals(401, forged.status(), "a key nobody registered cannot take over compute: " + forged.body());
        Reply byOldKey = register(main, oldCompute, "http://evil.example/t/compute", forger);
        assertEquals(401, byOldKey.status(), "a retiring key cannot change the entry: " + byOldKey.body());
        assertTrue(byOldKey.body().contains("not one the registry lists"), byOldKey.body());
        assertEquals(compute.url() + "/t/compute", listed(main, "compute").url(), "the entry is unchanged");
      }
    }
  }

  @Test
  void aFirstStartWithRotationOnAnotherHostRegistersTheNewKey() {
    try (AcquireServer main = backend().services(List.of("registry")).start();
        AcquireServer compute = backend().services(List.of("compute")).registryUrl(main.url() + "/t/registry")
            .rotateKeys(Duration.ofHours(1)).start()) {
      ServiceInfo listed = listed(main, "compute");
      assertEquals(ServiceCalls.keyOf(store, "compute").verifyingKey().toBase64Url(), listed.publicKey());
      assertEquals(compute.url() + "/t/compute", listed.url());
    }
  }

  @Test
  void registrationsAreOnlyForKnownServicesAndWellFormed() {
    try (AcquireServer main = backend().services(List.of("registry")).start()) {
      SigningKey key = SigningKey.generate();
      Reply unknown = ServiceCalls.send(main.url(), "printer", key, "PUT", "/t/registry/services/printer",
          "{\"url\":\"http://127.0.0.1:1/t/printer\",\"publicKey\":\"" + key.verifyingKey().toBase64Url() + "\"}",
          clock.instant().getEpochSecond());
      assertEquals(404, unknown.status(), unknown.body());
      Reply badUrl = register(main, key, "ftp://somewhere/t/compute", key);
      assertEquals(400, badUrl.status(), badUrl.body());
      Reply first = register(main, key, "http://127.0.0.1:1/t/compute", key);
      assertEquals(200, first.status(), "the first registration proves it holds the key it lists: " + first.body());
    }
  }

  private Reply register(AcquireServer main, SigningKey signer, String url, SigningKey listed) {
    return ServiceCalls.send(main.url(), "compute", signer, "PUT", "/t/registry/services/compute",
        "{\"url\":\"" + url + "\",\"publicKey\":\"" + listed.verifyingKey().toBase64Url() + "\",\"graceSeconds\":60}",
        clock.instant().getEpochSecond());
  }
}
