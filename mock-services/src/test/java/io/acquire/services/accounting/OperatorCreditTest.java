package io.acquire.services.accounting;

import static io.acquire.services.accounting.AccountingFixture.amount;
import static io.acquire.services.accounting.AccountingFixture.json;
import static io.acquire.services.accounting.AccountingFixture.money;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.acquire.services.accounting.Records.AccountMeta;
import io.acquire.services.store.MemoryObjectStore;
import io.acquire.services.testing.MutableClock;
import io.acquire.services.testing.TestSessions.Reply;
import io.acquire.services.testing.TestSessions.Session;
import java.math.BigDecimal;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Money only the operator can create, and every amount the ledger holds can be shown. */
class OperatorCreditTest {
  private final MutableClock clock = MutableClock.ofNow();
  private AccountingFixture fx;

  @AfterEach
  void stop() {
    fx.close();
  }

  private static void assertRefused(Reply reply, int status, String reason) {
    assertEquals(status, reply.status(), reply.body());
    assertTrue(reply.body().contains(reason), "expected '" + reason + "' in " + reply.body());
  }

  private Reply setLimits(Session user, String account, String overdraft) {
    return user.send("PUT", "/t/accounting/accounts/" + account + "/limits",
        "{\"overdraftLimit\":" + money(overdraft) + "}");
  }

  @Test
  void withoutAGrantNobodyCanGiveThemselvesAnOverdraft() {
    fx = new AccountingFixture(new MemoryObjectStore(), clock);
    Session ada = fx.sessions.login("ada");
    Reply created = ada.send("POST", "/t/accounting/accounts",
        "{\"name\":\"main\",\"overdraftLimit\":" + money("1000000000000.00") + "}");
    assertRefused(created, 403, "more than the operator grants (0.00 GBP)");
    String account = fx.createAccount(ada, "main");
    long lines = fx.account(ada, account).get("journalLength").asLong();
    assertRefused(setLimits(ada, account, "1000000000000.00"), 403, "not raise it past the grant");
    assertRefused(setLimits(ada, account, "0.01"), 403, "more than the operator grants");
    assertEquals(new BigDecimal("0.00"), amount(fx.account(ada, account).get("overdraftLimit")));
    assertEquals(lines, fx.account(ada, account).get("journalLength").asLong());
    assertEquals(200, setLimits(ada, account, "0.00").status());
  }

  @Test
  void aPersonMayLowerTheirOverdraftAndRaiseItOnlyUpToTheGrantWhichTheLedgerRecords() {
    fx = new AccountingFixture(new MemoryObjectStore(), clock, Map.of("accounting.overdraft-grant", "50.00"));
    Session ada = fx.sessions.login("ada");
    assertRefused(ada.send("POST", "/t/accounting/accounts",
        "{\"name\":\"main\",\"overdraftLimit\":" + money("50.01") + "}"), 403, "grants (50.00 GBP)");
    String account = fx.createAccount(ada, "main", "50.00", null);
    assertEquals(200, setLimits(ada, account, "20.00").status());
    assertEquals(200, setLimits(ada, account, "50.00").status());
    assertRefused(setLimits(ada, account, "60.00"), 403, "not raise it past the grant");
    assertEquals(new BigDecimal("50.00"), amount(fx.account(ada, account).get("overdraftLimit")));
    try (Ledger ledger = AccountingFixture.openLedger(fx.store)) {
      AccountMeta meta = ledger.account(account).orElseThrow().meta();
      assertEquals(5000L, meta.overdraftGrantMinor(), "the batch that set the limit records the grant behind it");
    }
  }

  @Test
  void aTransferThatWouldMakeABalanceTooLargeToShowIsRefusedAndViewsKeepAnswering() {
    fx = new AccountingFixture(new MemoryObjectStore(), clock, Map.of("accounting.demo-credit", "400000000000.00",
        "accounting.overdraft-grant", "500000000000.00"));
    Session ada = fx.sessions.login("ada");
    Session bob = fx.sessions.login("bob");
    String from = fx.createAccount(ada, "main", "500000000000.00", null);
    String to = fx.createAccount(bob, "main");
    assertRefused(fx.transfer(ada, from, to, "900000000000.00", "too-much"), 409, "must each stay within");
    assertEquals(new BigDecimal("400000000000.00"), fx.balance(bob, to));
    assertEquals(200, fx.transfer(ada, from, to, "500000000000.00", "fits").status());
    assertEquals(new BigDecimal("900000000000.00"), fx.balance(bob, to));
    assertEquals(200, bob.send("GET", "/t/accounting/accounts/" + to + "/statement", null).status());

    // Bob's overdraft would make "available" 1.1 × 10^12: refused before anything is written.
    long lines = fx.account(bob, to).get("journalLength").asLong();
    assertRefused(setLimits(bob, to, "200000000000.00"), 409, "must each stay within");
    assertEquals(new BigDecimal("0.00"), amount(fx.account(bob, to).get("overdraftLimit")));
    assertEquals(lines, fx.account(bob, to).get("journalLength").asLong());
  }

  @Test
  void moneyMovedRoundAndRoundCannotPushADaysSpendingPastWhatCanBeShown() {
    fx = new AccountingFixture(new MemoryObjectStore(), clock, Map.of("accounting.demo-credit", "400000000000.00"));
    Session ada = fx.sessions.login("ada");
    String a = fx.createAccount(ada, "a");
    String b = fx.createAccount(ada, "b");
    for (int i = 0; i < 2; i++) {
      assertEquals(200, fx.transfer(ada, a, b, "400000000000.00", "ab" + i).status());
      assertEquals(200, fx.transfer(ada, b, a, "400000000000.00", "ba" + i).status());
    }
    assertRefused(fx.transfer(ada, a, b, "400000000000.00", "ab-again"), 409, "must each stay within");
    JsonNode view = fx.account(ada, a);
    assertEquals(new BigDecimal("800000000000.00"), amount(view.get("spentToday")));
  }
}
