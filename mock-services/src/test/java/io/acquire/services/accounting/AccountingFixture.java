package io.acquire.services.accounting;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.acquire.client.wire.Json;
import io.acquire.services.AcquireServer;
import io.acquire.services.store.ObjectStore;
import io.acquire.services.testing.TestSessions;
import io.acquire.services.testing.TestSessions.Reply;
import io.acquire.services.testing.TestSessions.Session;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/** A real backend with accounting on a free port, spoken to with signed requests. */
final class AccountingFixture implements AutoCloseable {
  final ObjectStore store;
  final AcquireServer server;
  final TestSessions sessions;

  AccountingFixture(ObjectStore store, Clock clock) {
    this(store, clock, Map.of());
  }

  /** With operator options such as {@code accounting.overdraft-grant}. */
  AccountingFixture(ObjectStore store, Clock clock, Map<String, String> options) {
    this.store = store;
    AcquireServer.Builder builder = AcquireServer.builder().store(store).port(0).clock(clock)
        .services(List.of("registry", "accounting"));
    options.forEach(builder::option);
    this.server = builder.start();
    this.sessions = new TestSessions(store, server.url());
  }

  /** A second ledger on {@code store}, as another process would open it: it replays the log. Close it. */
  static Ledger openLedger(ObjectStore store) {
    return new Ledger(store, Clock.systemUTC(), new Ledger.Settings("GBP", 0, 10_000, java.time.Duration.ofMinutes(5)));
  }

  static String money(String amount) {
    return "{\"amount\":\"" + amount + "\",\"currency\":\"GBP\"}";
  }

  static JsonNode json(Reply reply) {
    try {
      return Json.mapper().readTree(reply.body());
    } catch (java.io.IOException e) {
      throw new AssertionError(reply.body(), e);
    }
  }

  static BigDecimal amount(JsonNode money) {
    return new BigDecimal(money.get("amount").asText());
  }

  String createAccount(Session user, String name) {
    return createAccount(user, name, null, null);
  }

  String createAccount(Session user, String name, String overdraft, String cap) {
    String body = "{\"name\":\"" + name + "\""
        + (overdraft == null ? "" : ",\"overdraftLimit\":" + money(overdraft))
        + (cap == null ? "" : ",\"dailyCap\":" + money(cap)) + "}";
    Reply reply = user.send("POST", "/t/accounting/accounts", body);
    assertEquals(201, reply.status(), reply.body());
    return json(reply).get("id").asText();
  }

  JsonNode account(Session user, String id) {
    Reply reply = user.send("GET", "/t/accounting/accounts/" + id, null);
    assertEquals(200, reply.status(), reply.body());
    return json(reply);
  }

  BigDecimal balance(Session user, String id) {
    return amount(account(user, id).get("balance"));
  }

  Reply transfer(Session user, String from, String to, String amount, String key) {
    return user.send("POST", "/t/accounting/transfers", Json.writeString(Map.of("from", from, "to", to,
        "idempotencyKey", key, "description", "test")).replace("}", ",\"amount\":" + money(amount) + "}"));
  }

  Reply hold(Session user, String account, String amount, long seconds, String key) {
    return user.send("POST", "/t/accounting/holds", "{\"account\":\"" + account + "\",\"amount\":" + money(amount)
        + ",\"expiresInSeconds\":" + seconds + ",\"idempotencyKey\":\"" + key + "\"}");
  }

  Reply capture(Session user, String hold, String amount) {
    return user.send("POST", "/t/accounting/holds/" + hold + "/capture", "{\"amount\":" + money(amount) + "}");
  }

  @Override
  public void close() {
    server.close();
  }
}
