package io.acquire.services.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.acquire.client.wire.IdentityWire.LoginStarted;
import io.acquire.client.wire.SigningKey;
import io.acquire.client.wire.Totp;
import io.acquire.services.identity.IdentityFixture.Reply;
import io.acquire.services.store.JsonObjects;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Concurrent guessing: attempts are counted before bcrypt runs, so a burst gets no more
 * checks than the limit, however many requests overlap.
 */
class AttemptLimitTest {
  /** About 50 ms a check here: long enough that a burst's requests all overlap. */
  private final IdentityFixture fixture = new IdentityFixture(10);
  private final JsonObjects objects = new JsonObjects(fixture.store);
  private final ExecutorService pool = Executors.newFixedThreadPool(100);

  @AfterEach
  void stop() {
    pool.shutdownNow();
    fixture.close();
  }

  @Test
  void aHundredConcurrentWrongApprovalsAreCheckedAtMostFiveTimesAndACorrectCodeAfterwardsIsRefused()
      throws Exception {
    Totp totp = fixture.register("bob");
    LoginStarted login = fixture.startLogin("bob", SigningKey.generate());
    IdentityFixture.Csrf csrf = fixture.openPage(login.loginUrl());
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Reply>> burst = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      burst.add(pool.submit(() -> {
        start.await();
        return fixture.submit(login.userCode(), csrf, "wrong password", "000000", "approve");
      }));
    }
    start.countDown();
    // Once five attempts are counted (or after 300 ms, when checks without counting first would
    // all be under way), the owner's correct code arrives inside the burst.
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
    while (attempts(login) < 5 && System.nanoTime() < deadline) {
      Thread.sleep(2);
    }
    Reply correct = fixture.submit(login.userCode(), csrf, IdentityFixture.PASSWORD,
        totp.code(fixture.clock.instant()), "approve");
    int wrongAnswers = 0;
    for (Future<Reply> reply : burst) {
      int status = reply.get(60, TimeUnit.SECONDS).status();
      assertTrue(status == 401 || status == 429 || status == 409, "status " + status);
      wrongAnswers += status == 401 ? 1 : 0;
    }
    // Refused either way: 429 while the fifth check runs, 409 once it has denied the login.
    assertTrue(correct.status() == 429 || correct.status() == 409, correct.status() + ": " + correct.body());
    assertEquals(5, attempts(login), "every check is counted, and no more than the limit ran");
    assertTrue(wrongAnswers <= 4, wrongAnswers + " wrong guesses were checked; the fifth denies the login");
    assertEquals("denied", fixture.poll(login.deviceCode()).status());
  }

  @Test
  void concurrentWrongApprovalsOverManyLoginRequestsAreCheckedAtMostTheUsersLimit() throws Exception {
    Totp totp = fixture.register("bob");
    List<LoginStarted> logins = new ArrayList<>();
    List<IdentityFixture.Csrf> tokens = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      LoginStarted login = fixture.startLogin("bob", SigningKey.generate());
      logins.add(login);
      tokens.add(fixture.openPage(login.loginUrl()));
    }
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Reply>> burst = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      int which = i % 12;
      burst.add(pool.submit(() -> {
        start.await();
        return fixture.submit(logins.get(which).userCode(), tokens.get(which),
            "wrong password", "000000", "approve");
      }));
    }
    start.countDown();
    for (Future<Reply> reply : burst) {
      reply.get(60, TimeUnit.SECONDS);
    }
    int checked = logins.stream().mapToInt(this::attempts).sum();
    assertTrue(checked <= 10, checked + " attempts were checked against a per-user limit of 10");
    UserRecord user = objects.get("identity/users/bob", UserRecord.class).orElseThrow();
    assertEquals(10, user.recentFailures().size());

    LoginStarted owner = fixture.startLogin("bob", SigningKey.generate());
    Reply refused = fixture.approve(owner, IdentityFixture.PASSWORD, totp.code(fixture.clock.instant()));
    assertEquals(429, refused.status(), refused.body());
    assertTrue(Long.parseLong(refused.header("Retry-After")) > 0);
  }

  @Test
  void anApprovedAttemptDoesNotCountAgainstTheUser() {
    Totp totp = fixture.register("bob");
    for (int i = 0; i < 12; i++) {
      fixture.clock.advance(IdentityFixture.step());
      LoginStarted login = fixture.startLogin("bob", SigningKey.generate());
      Reply approved = fixture.approve(login, IdentityFixture.PASSWORD, totp.code(fixture.clock.instant()));
      assertEquals(200, approved.status(), approved.body());
    }
    assertEquals(0, objects.get("identity/users/bob", UserRecord.class).orElseThrow().recentFailures().size());
  }

  private int attempts(LoginStarted login) {
    return fixture.store.list("identity/logins/").stream()
        .map(key -> objects.get(key, LoginRecord.class).orElseThrow())
        .filter(l -> l.userCode().equals(login.userCode()))
        .mapToInt(LoginRecord::failures).findFirst().orElseThrow();
  }
}
