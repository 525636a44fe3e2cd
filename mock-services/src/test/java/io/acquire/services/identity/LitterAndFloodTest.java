package io.acquire.services.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.acquire.client.wire.IdentityWire.LoginStarted;
import io.acquire.client.wire.Json;
import io.acquire.client.wire.SigningKey;
import io.acquire.services.AcquireServer;
import io.acquire.services.identity.IdentityFixture.Reply;
import io.acquire.services.store.MemoryObjectStore;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/** Unauthenticated endpoints are rate limited per source, and what they leave behind is swept. */
class LitterAndFloodTest {
  private static String user(String name) {
    return Json.writeString(Map.of("username", name, "password", "long enough pw"));
  }

  @Test
  void eachUnauthenticatedEndpointAllowsASourceItsRequestsPerMinuteThen429WithRetryAfter() {
    try (IdentityFixture fixture = new IdentityFixture(4, 3)) {
      for (int i = 0; i < 3; i++) {
        assertEquals(201, fixture.postJson("/users", user("user" + i)).status());
      }
      Reply refused = fixture.postJson("/users", user("user9"));
      assertEquals(429, refused.status(), refused.body());
      assertTrue(refused.body().contains("\"error\":\"too_many_requests\""), refused.body());
      long retry = Long.parseLong(refused.header("Retry-After"));
      assertTrue(retry >= 1 && retry <= 20, "one of 3 a minute comes back within 20 s, not " + retry);
      assertTrue(fixture.store.get("identity/users/user9").isEmpty());

      LoginStarted login = null;
      for (int i = 0; i < 3; i++) {
        login = fixture.startLogin("user0", SigningKey.generate());
      }
      String key = SigningKey.generate().verifyingKey().toBase64Url();
      assertEquals(429, fixture.postJson("/logins", Json.writeString(Map.of("username", "user0", "sessionKey", key)))
          .status());

      IdentityFixture.Csrf csrf = fixture.openPage(login.loginUrl());
      for (int i = 0; i < 3; i++) {
        assertEquals(401, fixture.submit(login.userCode(), csrf, "wrong password", "000000", "approve").status());
      }
      Reply page = fixture.submit(login.userCode(), csrf, "wrong password", "000000", "approve");
      assertEquals(429, page.status());
      assertTrue(page.body().contains("Too many requests from your address"), page.body());
      assertTrue(Long.parseLong(page.header("Retry-After")) >= 1);
    }
  }

  @Test
  void behindAProxyTheClientsAddressComesFromTheConfiguredHeader() throws IOException {
    try (AcquireServer server = AcquireServer.builder().store(new MemoryObjectStore()).port(0)
        .services(List.of("registry", "identity")).option("identity.bcrypt-cost", "4")
        .option("identity.requests-per-minute-per-source", "2")
        .option("identity.client-address-header", "X-Forwarded-For").start()) {
      OkHttpClient http = new OkHttpClient();
      int[] statuses = new int[4];
      String[] clients = {"203.0.113.7, 10.0.0.1", "203.0.113.7, 10.0.0.1", "203.0.113.7, 10.0.0.1",
          "198.51.100.2, 10.0.0.2"};
      for (int i = 0; i < clients.length; i++) {
        try (Response response = http.newCall(new Request.Builder().url(server.url() + "/t/identity/users")
            .header("X-Forwarded-For", clients[i])
            .post(RequestBody.create(user("user" + i), MediaType.get("application/json"))).build()).execute()) {
          statuses[i] = response.code();
        }
      }
      // The proxy appends the address it saw, so the last hop is the one to trust.
      assertEquals(List.of(201, 201, 429, 201), java.util.Arrays.stream(statuses).boxed().toList());
    }
  }

  @Test
  void expiredLoginRequestsAndTheirCodesAreSwept() throws Exception {
    try (IdentityFixture fixture = new IdentityFixture()) {
      fixture.register("ada");
      for (int i = 0; i < 3; i++) {
        fixture.startLogin("ada", SigningKey.generate());
      }
      LoginStarted ghost = fixture.startLogin("nobody-here", SigningKey.generate());
      fixture.approve(ghost, "wrong password", "000000");
      assertEquals(4, fixture.store.list("identity/logins/").size());
      assertEquals(1, fixture.store.list("identity/unknown-users/").size());

      fixture.clock.advance(Duration.ofMinutes(10).plus(IdentityService.KEEP_EXPIRED).plusSeconds(1));
      LoginStarted fresh = fixture.startLogin("ada", SigningKey.generate());
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (fixture.store.list("identity/logins/").size() > 1 && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertEquals(1, fixture.store.list("identity/logins/").size(), "only the fresh login is left");
      assertEquals(1, fixture.store.list("identity/user-codes/").size());
      assertEquals(1, fixture.store.list("identity/device-codes/").size());
      assertTrue(fixture.store.list("identity/unknown-users/").isEmpty());
      assertEquals("pending", fixture.poll(fresh.deviceCode()).status());
    }
  }
}
