package io.acquire.services.accounting;

import static io.acquire.services.accounting.AccountingFixture.amount;
import static io.acquire.services.accounting.AccountingFixture.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.acquire.client.wire.AccountingWire.SignedReceipt;
import io.acquire.client.wire.Base64Url;
import io.acquire.client.wire.Json;
import io.acquire.client.wire.ServiceInfo;
import io.acquire.client.wire.VerifyingKey;
import io.acquire.services.registry.RegistryService;
import io.acquire.services.store.JsonObjects;
import io.acquire.services.store.MemoryObjectStore;
import io.acquire.services.testing.MutableClock;
import io.acquire.services.testing.TestSessions.Reply;
import io.acquire.services.testing.TestSessions.Session;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AccountingServiceTest {
  private final MutableClock clock = MutableClock.ofNow();
  private final AccountingFixture fx = new AccountingFixture(new MemoryObjectStore(), clock,
      java.util.Map.of("accounting.overdraft-grant", "50.00"));
  private final Session ada = fx.sessions.login("ada");
  private final Session bob = fx.sessions.login("bob");

  @AfterEach
  void stop() {
    fx.close();
  }

  private static void assertRefused(Reply reply, int status, String reason) {
    assertRefused(reply, status, reason, "");
  }

  private static void assertRefused(Reply reply, int status, String reason, String why) {
    assertEquals(status, reply.status(), why + " " + reply.body());
    assertTrue(reply.body().contains(reason), why + " expected '" + reason + "' in " + reply.body());
  }

  @Test
  void firstAccountGetsDemoCreditOnceFromTheFundingAccount() {
    String first = fx.createAccount(ada, "main");
    String second = fx.createAccount(ada, "spare");
    assertEquals(new BigDecimal("100.00"), fx.balance(ada, first));
    assertEquals(new BigDecimal("0.00"), fx.balance(ada, second));
    assertRefused(ada.send("POST", "/t/accounting/accounts", "{\"name\":\"main\"}"), 409, "already have an account");
    Reply list = ada.send("GET", "/t/accounting/accounts", null);
    assertEquals(2, json(list).get("accounts").size());
  }

  @Test
  void aRepeatedIdempotencyKeyMovesMoneyOnceAndGetsTheSameSignedReceipt() throws Exception {
    String from = fx.createAccount(ada, "main");
    String to = fx.createAccount(bob, "main");
    Reply first = fx.transfer(ada, from, to, "12.34", "pay-1");
    Reply again = fx.transfer(ada, from, to, "12.34", "pay-1");
    assertEquals(200, first.status(), first.body());
    assertEquals(200, again.status(), again.body());
    assertEquals(new BigDecimal("87.66"), fx.balance(ada, from));
    assertEquals(new BigDecimal("112.34"), fx.balance(bob, to));

    SignedReceipt receipt = Json.read(first.body().getBytes(), SignedReceipt.class);
    assertEquals(receipt.receipt(), Json.read(again.body().getBytes(), SignedReceipt.class).receipt());
    ServiceInfo accounting = RegistryService.lookup(new JsonObjects(fx.store), "accounting").orElseThrow();
    assertTrue(VerifyingKey.fromBase64Url(accounting.publicKey())
        .verify(Base64Url.decode(receipt.signature()), Json.write(receipt.receipt())), "receipt signed by accounting");

    assertRefused(fx.transfer(ada, from, to, "1.00", "pay-1"), 409, "already used for a different transfer");
  }

  @Test
  void theDailyCapRefusesAndChangesNothing() {
    String capped = fx.createAccount(ada, "main", null, "50.00");
    String other = fx.createAccount(bob, "main");
    assertRefused(fx.transfer(ada, capped, other, "60.00", "too-much-today"), 402, "daily cap of 50.00 GBP");
    assertEquals(200, fx.transfer(ada, capped, other, "45.00", "ok").status());
    long lines = fx.account(ada, capped).get("journalLength").asLong();
    assertRefused(fx.transfer(ada, capped, other, "10.00", "past-cap"), 402, "spent today 45.00 GBP");
    assertEquals(new BigDecimal("55.00"), fx.balance(ada, capped));
    assertEquals(lines, fx.account(ada, capped).get("journalLength").asLong(), "a refusal writes nothing");
    assertRefused(fx.transfer(ada, capped, other, "10.00", "past-cap"), 402, "daily cap",
        "a refusal leaves the key unused, so the same request is decided again");
  }

  @Test
  void theOverdraftLimitRefusesAndChangesNothing() {
    String account = fx.createAccount(ada, "main", "20.00", null);
    String other = fx.createAccount(bob, "main");
    assertRefused(fx.transfer(ada, account, other, "120.01", "past-overdraft"), 402, "overdraft limit 20.00 GBP");
    assertEquals(new BigDecimal("100.00"), fx.balance(ada, account));
    assertEquals(200, fx.transfer(ada, account, other, "120.00", "into-overdraft").status());
    assertEquals(new BigDecimal("-20.00"), fx.balance(ada, account));
    assertEquals(new BigDecimal("0.00"), amount(fx.account(ada, account).get("available")));
  }

  @Test
  void holdsReserveThenCaptureOnceAndReleaseTheRest() {
    String account = fx.createAccount(ada, "main");
    Reply hold = fx.hold(ada, account, "30.00", 3600, "job-1");
    assertEquals(201, hold.status(), hold.body());
    String id = json(hold).get("id").asText();
    assertEquals("active", json(hold).get("status").asText());
    assertEquals(fx.hold(ada, account, "30.00", 3600, "job-1").body(), hold.body(), "same key, same hold");
    JsonNode view = fx.account(ada, account);
    assertEquals(new BigDecimal("70.00"), amount(view.get("available")));

    assertRefused(fx.capture(ada, id, "30.01"), 400, "the hold is for 30.00 GBP");
    Reply captured = fx.capture(ada, id, "12.50");
    assertEquals(200, captured.status(), captured.body());
    assertEquals(new BigDecimal("87.50"), fx.balance(ada, account));
    assertEquals(new BigDecimal("87.50"), amount(fx.account(ada, account).get("available")), "the rest is released");
    assertEquals(captured.body(), fx.capture(ada, id, "12.50").body(), "capturing again changes nothing");
    assertRefused(fx.capture(ada, id, "5.00"), 409, "already captured");
    assertRefused(ada.send("POST", "/t/accounting/holds/" + id + "/void", "{}"), 409, "is captured; only an active hold");
    assertEquals(new BigDecimal("87.50"), fx.balance(ada, account));
  }

  @Test
  void aVoidedHoldReleasesEverythingAndCannotBeCaptured() {
    String account = fx.createAccount(ada, "main");
    String id = json(fx.hold(ada, account, "40.00", 3600, "job")).get("id").asText();
    assertEquals(200, ada.send("POST", "/t/accounting/holds/" + id + "/void", "{}").status());
    assertEquals(new BigDecimal("100.00"), amount(fx.account(ada, account).get("available")));
    assertRefused(fx.capture(ada, id, "1.00"), 409, "voided");
  }

  @Test
  void anExpiredHoldStopsCountingAndCannotBeCaptured() {
    String account = fx.createAccount(ada, "main");
    String id = json(fx.hold(ada, account, "40.00", 60, "job")).get("id").asText();
    clock.advance(Duration.ofSeconds(61));
    assertEquals(new BigDecimal("100.00"), amount(fx.account(ada, account).get("available")));
    assertRefused(fx.capture(ada, id, "1.00"), 409, "expired");
  }

  @Test
  void aHoldPastTheDailyCapOrBalanceIsRefused() {
    String account = fx.createAccount(ada, "main", null, "25.00");
    assertRefused(fx.hold(ada, account, "30.00", 60, "big"), 402, "daily cap of 25.00 GBP");
    assertRefused(fx.hold(ada, fx.createAccount(ada, "empty"), "1.00", 60, "none"), 402, "available");
    assertEquals(new BigDecimal("100.00"), amount(fx.account(ada, account).get("available")));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"amount\":\"-5.00\",\"currency\":\"GBP\"} | must not be negative",
      "{\"amount\":\"0\",\"currency\":\"GBP\"} | more than zero",
      "{\"amount\":\"1.001\",\"currency\":\"GBP\"} | at most 2 decimal places",
      "{\"amount\":\"99999999999999\",\"currency\":\"GBP\"} | at most 2 decimal places",
      "{\"amount\":\"2000000000000\",\"currency\":\"GBP\"} | larger than 10^12",
      "{\"amount\":\"1e3\",\"currency\":\"GBP\"} | at most 2 decimal places",
      "{\"amount\":\"5.00\",\"currency\":\"EUR\"} | accounts here are in GBP",
      "{\"amount\":\"5.00\",\"currency\":\"pounds\"} | three-letter code",
      "\"5.00\" | amount"})
  void badAmountsAreRefusedAndChangeNothing(String amountJson, String reason) {
    String from = fx.createAccount(ada, "main");
    String to = fx.createAccount(bob, "main");
    Reply reply = ada.send("POST", "/t/accounting/transfers", "{\"from\":\"" + from + "\",\"to\":\"" + to
        + "\",\"idempotencyKey\":\"k\",\"amount\":" + amountJson + "}");
    assertRefused(reply, 400, reason);
    assertEquals(new BigDecimal("100.00"), fx.balance(ada, from));
    assertEquals(2, fx.account(ada, from).get("journalLength").asLong());
  }

  @Test
  void unknownAndForeignAccountsLookTheSame() {
    String mine = fx.createAccount(ada, "main");
    String bobs = fx.createAccount(bob, "main");
    assertRefused(bob.send("GET", "/t/accounting/accounts/" + mine, null), 404, "You have no account");
    assertRefused(ada.send("GET", "/t/accounting/accounts/acct_doesnotexist", null), 404, "You have no account");
    assertRefused(fx.transfer(bob, mine, bobs, "5.00", "steal"), 404, "You have no account");
    assertRefused(fx.transfer(ada, mine, "acct_nowhere", "5.00", "lost"), 404, "No account");
    assertRefused(bob.send("GET", "/t/accounting/accounts/" + mine + "/statement", null), 404, "no account");
    assertEquals(new BigDecimal("100.00"), fx.balance(ada, mine));
  }

  @Test
  void missingFieldsAreNamed() {
    String from = fx.createAccount(ada, "main");
    assertRefused(ada.send("POST", "/t/accounting/transfers", "{\"from\":\"" + from + "\",\"to\":\"x\","
        + "\"amount\":" + AccountingFixture.money("1.00") + "}"), 400, "'idempotencyKey' is required");
    assertRefused(fx.transfer(ada, from, from, "1.00", "self"), 400, "two different accounts");
    assertRefused(ada.send("POST", "/t/accounting/accounts", "{}"), 400, "'name' is required");
    assertRefused(fx.hold(ada, from, "1.00", 0, "h"), 400, "expiresInSeconds");
  }

  @Test
  void statementsAreHashChainedAndAddUp() {
    String from = fx.createAccount(ada, "main");
    String to = fx.createAccount(bob, "main");
    fx.transfer(ada, from, to, "10.00", "a");
    String hold = json(fx.hold(ada, from, "20.00", 600, "h")).get("id").asText();
    fx.capture(ada, hold, "7.25");
    JsonNode lines = json(ada.send("GET", "/t/accounting/accounts/" + from + "/statement", null)).get("lines");
    List<String> kinds = List.of("open", "credit", "debit", "hold", "capture");
    assertEquals(kinds.size(), lines.size(), lines.toString());
    BigDecimal sum = BigDecimal.ZERO.setScale(2);
    String previous = "";
    for (int i = 0; i < lines.size(); i++) {
      JsonNode line = lines.get(i);
      assertEquals(kinds.get(i), line.get("kind").asText());
      assertEquals(previous, line.get("previousHash").asText());
      previous = line.get("hash").asText();
      sum = sum.add(amount(line.get("amount")));
      assertEquals(sum, amount(line.get("balance")));
    }
    assertEquals(new BigDecimal("82.75"), sum);
    try (Ledger ledger = AccountingFixture.openLedger(fx.store)) {
      List<Entry> journal = ledger.journal(from);
      for (int i = 1; i < journal.size(); i++) {
        assertTrue(journal.get(i).chainsFrom(journal.get(i - 1)), "line " + i + " chains from the one before");
      }
    }
  }
}
