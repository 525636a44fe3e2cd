package io.acquire.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.acquire.client.ApproveLogin;
import io.acquire.client.LoginRequest;
import io.acquire.client.User;
import io.acquire.client.Wallet;
import io.acquire.client.wire.ErrorBody;
import io.acquire.client.wire.Json;
import io.acquire.client.wire.ServiceInfo;
import io.acquire.client.wire.Totp;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AcquireServerTest {
  private final OkHttpClient http = new OkHttpClient();

  @TempDir
  Path data;

  private record Reply(int status, String body, String requestId) {}

  private Reply send(Request request) throws IOException {
    try (Response response = http.newCall(request).execute()) {
      return new Reply(response.code(), response.body().string(), response.header("X-Request-Id"));
    }
  }

  private AcquireServer start() {
    return start(0);
  }

  private AcquireServer start(int port) {
    return AcquireServer.builder().dataDirectory(data).port(port).option("identity.bcrypt-cost", "4")
        .option("identity.poll-interval-seconds", "1").start();
  }

  @Test
  void registryPublishesEveryServiceWithItsKey() throws IOException {
    try (AcquireServer server = start()) {
      Reply reply = send(new Request.Builder().url(server.url() + "/t/registry/services").build());
      assertEquals(200, reply.status());
      assertTrue(reply.body().contains("\"name\":\"identity\""), reply.body());
      ServiceInfo identity = Json.read(send(new Request.Builder().url(server.url() + "/t/registry/services/identity")
          .build()).body().getBytes(), ServiceInfo.class);
      assertEquals(server.url() + "/t/identity", identity.url());
      ServiceInfo self = Json.read(send(new Request.Builder().url(identity.url()).build()).body().getBytes(),
          ServiceInfo.class);
      assertEquals(identity.publicKey(), self.publicKey());
      assertEquals(404, send(new Request.Builder().url(server.url() + "/t/registry/services/nope").build()).status());
    }
  }

  @Test
  void unknownRoutesWrongMethodsAndHugeBodiesGetTheJsonErrorShape() throws IOException {
    try (AcquireServer server = start()) {
      assertErrorShape(send(new Request.Builder().url(server.url() + "/t/nothing").build()), 404);
      assertErrorShape(send(new Request.Builder().url(server.url() + "/t/identity/users").build()), 405);
      byte[] huge = new byte[17 * 1024 * 1024];
      assertErrorShape(send(new Request.Builder().url(server.url() + "/t/identity/users")
          .post(RequestBody.create(huge, MediaType.get("application/json"))).build()), 413);
      assertErrorShape(send(new Request.Builder().url(server.url() + "/t/identity/users")
          .post(RequestBody.create("[1,2", MediaType.get("application/json"))).build()), 400);
      assertErrorShape(send(new Request.Builder().url(server.url() + "/t/identity/logins/poll")
          .post(RequestBody.create("\"just a string\"", MediaType.get("application/json"))).build()), 400);
    }
  }

  private static void assertErrorShape(Reply reply, int status) {
    assertEquals(status, reply.status(), reply.body());
    ErrorBody error = Json.read(reply.body().getBytes(), ErrorBody.class);
    assertEquals(status, error.status());
    assertNotNull(error.error());
    assertNotNull(error.message());
    assertEquals(reply.requestId(), error.requestId());
    assertTrue(!reply.body().contains("Exception") && !reply.body().contains("at io."), "no stack traces: " + reply.body());
  }

  @Test
  void restartKeepsUsersKeysAndSessions() throws IOException {
    int port;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    String identityKey;
    Wallet wallet = Wallet.inDirectory(data.resolve("wallet"));
    try (AcquireServer server = start(port)) {
      identityKey = new io.acquire.services.store.JsonObjects(server.store())
          .get("registry/services/identity", ServiceInfo.class).orElseThrow().publicKey();
      User user = User.builder().username("ada").identityUrl(server.url() + "/t/identity").wallet(wallet).build();
      Totp totp = Totp.fromProvisioningUriUnsafe(user.register("correct horse").provisioningUriUnsafe());
      LoginRequest login = user.requestLogin();
      ApproveLogin.approve(login.url(), "ada", "correct horse", totp.code(Instant.now()));
      user.waitForLogin(Duration.ofSeconds(20));
    }
    try (AcquireServer server = start(port)) {
      assertEquals(identityKey, new io.acquire.services.store.JsonObjects(server.store())
          .get("registry/services/identity", ServiceInfo.class).orElseThrow().publicKey(), "same key after restart");
      User resumed = User.builder().username("ada").identityUrl(server.url() + "/t/identity").wallet(wallet).build();
      assertEquals("ada", resumed.whoAmI().username(), "a session from before the restart still works");
      User again = User.create("ada", server.url() + "/t/identity");
      assertThrows(io.acquire.client.ConflictException.class, () -> again.register("another password"),
          "the user survived the restart");
    }
  }

  @Test
  void aLongNonAsciiAccountNameIsStoredOnDiskNotA500() {
    try (AcquireServer server = AcquireServer.builder().dataDirectory(data).port(0)
        .services(List.of("registry", "accounting")).start()) {
      io.acquire.services.testing.TestSessions.Session ada =
          new io.acquire.services.testing.TestSessions(server.store(), server.url()).login("ada");
      String name = "\u0410\u043a\u0432\u0438\u0440\u0435".repeat(10) + "\ud83d\ude80\ud83d\ude80";
      io.acquire.services.testing.TestSessions.Reply created = ada.send("POST", "/t/accounting/accounts",
          Json.writeString(java.util.Map.of("name", name)));
      assertEquals(201, created.status(), created.body());
      assertTrue(created.body().contains(name), created.body());
    }
  }

  @Test
  void unknownServicesAreRefusedWithTheKnownOnes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> AcquireServer.builder().services(List.of("registry", "billing")));
    assertTrue(e.getMessage().contains("Known: registry, identity"), e.getMessage());
  }
}
