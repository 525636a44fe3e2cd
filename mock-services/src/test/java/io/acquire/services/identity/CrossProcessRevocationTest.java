package io.acquire.services.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.acquire.client.wire.RequestSignature;
import io.acquire.services.AcquireServer;
import io.acquire.services.http.RequestVerifier;
import io.acquire.services.identity.IdentityFixture.Reply;
import io.acquire.services.identity.IdentityFixture.Session;
import java.util.List;
import java.util.Map;
import okhttp3.Request;
import org.junit.jupiter.api.Test;

/** A logout in one process reaches another sharing the store within the documented bound. */
class CrossProcessRevocationTest {
  @Test
  void aLogoutInOneProcessIsRefusedByAnotherWithinTwoSeconds() throws Exception {
    try (IdentityFixture fixture = new IdentityFixture();
         AcquireServer other = AcquireServer.builder().store(fixture.store).port(0).clock(fixture.clock)
             .services(List.of("identity")).start()) {
      Session ada = fixture.loggedIn("ada");
      assertEquals(200, whoami(fixture, other, ada).status(), "the other process reads the session as live");
      assertEquals(204, fixture.signed(ada, "POST", "/logout").status());
      assertEquals(401, fixture.signed(ada, "GET", "/whoami").status(), "the process that logged out refuses at once");
      Thread.sleep(RequestVerifier.REVOCATION_BOUND.toMillis() + 100);
      Reply refused = whoami(fixture, other, ada);
      assertEquals(401, refused.status(), refused.body());
      assertTrue(refused.body().contains("logged out"), refused.body());
    }
  }

  private static Reply whoami(IdentityFixture fixture, AcquireServer server, Session session) {
    Map<String, String> headers = RequestSignature.sign(session.key(), session.certificate(), "GET",
        "/t/identity/whoami", new byte[0], fixture.clock.instant().getEpochSecond());
    Request.Builder request = new Request.Builder().url(server.url() + "/t/identity/whoami").get();
    headers.forEach(request::header);
    return fixture.send(request.build());
  }
}
