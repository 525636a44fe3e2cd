package io.acquire.services.accounting;

import static io.acquire.services.accounting.AccountingFixture.amount;
import static io.acquire.services.accounting.AccountingFixture.json;
import static io.acquire.services.accounting.AccountingFixture.money;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.acquire.services.http.ApiException;
import io.acquire.services.store.MemoryObjectStore;
import io.acquire.services.testing.MutableClock;
import io.acquire.services.testing.TestSessions.Reply;
import io.acquire.services.testing.TestSessions.Session;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Delegated sub-accounts over the real backend: every rule is the ledger's, so every way in obeys it. */
class DelegationTest {
  private final MutableClock clock = MutableClock.ofNow();
  private final AccountingFixture fx = new AccountingFixture(new MemoryObjectStore(), clock);
  private final Session ada = fx.sessions.login("ada");
  private final Session bob = fx.sessions.login("bob");
  private final Session cy = fx.sessions.login("cyd");
  private final String lab = fx.createAccount(ada, "lab");

  @AfterEach
  void stop() {
    fx.close();
  }

  private static void assertRefused(Reply reply, int status, String reason) {
    assertEquals(status, reply.status(), reply.body());
    assertTrue(reply.body().contains(reason), "expected '" + reason + "' in " + reply.body());
  }

  /** Ada delegates {@code budget} (and a cap, or null) to each member; returns the summary she gets back. */
  private JsonNode delegate(String members, String budget, String cap) {
    Reply reply = ada.send("POST", "/t/accounting/accounts/" + lab + "/delegations", "{\"members\":" + members
        + ",\"budget\":" + money(budget) + (cap == null ? "" : ",\"dailyCap\":" + money(cap)) + "}");
    assertEquals(201, reply.status(), reply.body());
    return json(reply);
  }

  private String subOf(JsonNode summary, String member) {
    for (JsonNode m : summary.get("members")) {
      if (m.get("member").asText().equals(member)) {
        return m.get("account").asText();
      }
    }
    throw new AssertionError(member + " not in " + summary);
  }

  private JsonNode budgets() {
    Reply reply = ada.send("GET", "/t/accounting/accounts/" + lab + "/delegations", null);
    assertEquals(200, reply.status(), reply.body());
    return json(reply);
  }

  private JsonNode row(String member) {
    for (JsonNode m : budgets().get("members")) {
      if (m.get("member").asText().equals(member) && !m.get("status").asText().equals("closed")) {
        return m;
      }
    }
    throw new AssertionError(member + " has no open sub-account");
  }

  private String holdOn(Session member, String account, String amount, String key) {
    Reply hold = fx.hold(member, account, amount, 600, key);
    assertEquals(201, hold.status(), hold.body());
    return json(hold).get("id").asText();
  }

  private Reply post(Session user, String path) {
    return user.send("POST", "/t/accounting" + path, "{}");
  }

  private static BigDecimal bd(String amount) {
    return new BigDecimal(amount);
  }

  @Test
  void anOwnerDelegatesToAListOfMembersAndEachBudgetMovesFromTheParentExactly() {
    JsonNode summary = delegate("[\"bob\",\"cyd\"]", "30.00", "10.00");
    assertEquals(2, summary.get("members").size());
    assertEquals(bd("40.00"), fx.balance(ada, lab), "100.00 demo credit less two budgets of 30.00");
    String bobs = subOf(summary, "bob");
    JsonNode seenByBob = fx.account(bob, bobs);
    assertEquals(bd("30.00"), amount(seenByBob.get("balance")));
    assertEquals("lab/bob", seenByBob.get("name").asText());
    assertEquals(lab, seenByBob.get("delegation").get("parent").asText());
    assertEquals("open", seenByBob.get("delegation").get("status").asText());
    assertEquals(bd("0.00"), amount(seenByBob.get("overdraftLimit")));
    Reply bobsList = bob.send("GET", "/t/accounting/accounts", null);
    assertEquals(List.of(bobs), json(bobsList).get("accounts").findValuesAsText("id"), "Bob lists his sub-account");
    assertEquals("0.00", json(ada.send("GET", "/t/accounting/accounts/" + lab, null)).get("spentToday")
        .get("amount").asText(), "funding a budget is not spending");
    List<String> parentLines = json(ada.send("GET", "/t/accounting/accounts/" + lab + "/statement", null))
        .get("lines").findValuesAsText("description");
    assertTrue(parentLines.contains("budget for bob") && parentLines.contains("budget for cyd"), parentLines.toString());
    assertEquals(404, fx.sessions.login("dee").send("GET", "/t/accounting/accounts/" + bobs, null).status(),
        "a stranger cannot see it");
    assertEquals(404, bob.send("GET", "/t/accounting/accounts/" + lab + "/delegations", null).status(),
        "a member cannot read the parent's summary");
    LedgerConcurrencyTest.assertLedgerBalances(fx.store, 1);
  }

  @Test
  void aMemberSpendsOnlyWithinTheDailyCapAndTheBudgetAndCannotMoveTheMoneyToAnyone() {
    String bobs = subOf(delegate("[\"bob\"]", "25.00", "10.00"), "bob");
    String bobsOwn = fx.createAccount(bob, "own");
    String cys = fx.createAccount(cy, "own");
    String first = holdOn(bob, bobs, "6.00", "h1");
    assertEquals(200, fx.capture(bob, first, "4.50").status(), "a job-like hold, settled for less");
    assertRefused(fx.hold(bob, bobs, "6.00", 600, "h2"), 402, "daily cap of 10.00 GBP");
    assertRefused(fx.transfer(bob, bobs, cys, "1.00", "t1"), 403, "goes only to the operator");
    assertRefused(fx.transfer(bob, bobs, bobsOwn, "1.00", "t2"), 403, "goes only to the operator");
    String second = holdOn(bob, bobs, "5.00", "h3");
    Reply toCy = bob.send("POST", "/t/accounting/holds/" + second + "/capture", "{\"amount\":" + money("5.00")
        + ",\"to\":\"" + cys + "\"}");
    assertRefused(toCy, 403, "goes only to the operator");
    assertEquals(200, fx.capture(bob, second, "5.00").status());
    assertRefused(fx.transfer(bob, bobs, Ledger.REVENUE, "0.51", "t3"), 402, "daily cap of 10.00 GBP");
    assertEquals(bd("100.00"), fx.balance(cy, cys), "Cy got nothing");
    JsonNode bobsRow = row("bob");
    assertEquals(bd("9.50"), amount(bobsRow.get("spent")));
    assertEquals(bd("9.50"), amount(bobsRow.get("spentToday")));
    assertEquals(bd("15.50"), amount(bobsRow.get("available")));

    String cysSub = subOf(delegate("[\"cyd\"]", "6.00", null), "cyd");
    assertRefused(fx.hold(cy, cysSub, "6.01", 600, "h4"), 402, "has 6.00 GBP available");
    assertEquals(200, fx.transfer(cy, cysSub, Ledger.REVENUE, "6.00", "t4").status(), "paying the operator is spending");
    JsonNode cysRow = row("cyd");
    assertEquals(bd("6.00"), amount(cysRow.get("spent")), "the whole budget and not a penny more");
    assertEquals(bd("0.00"), amount(cysRow.get("available")));
    assertRefused(fx.transfer(ada, lab, bobs, "1.00", "t5"), 403, "funded only by its parent, through its budget");
    assertRefused(fx.transfer(cy, cys, bobs, "1.00", "t6"), 403, "funded only by its parent");
    LedgerConcurrencyTest.assertLedgerBalances(fx.store, 3);
  }

  @Test
  void theOwnerCannotSpendASubAccountAndTheMemberCannotChangeIt() {
    String bobs = subOf(delegate("[\"bob\"]", "20.00", null), "bob");
    assertRefused(fx.hold(ada, bobs, "1.00", 600, "h1"), 403, "bob's to spend");
    assertRefused(fx.transfer(ada, bobs, lab, "1.00", "t1"), 403, "bob's to spend");
    assertRefused(bob.send("PUT", "/t/accounting/accounts/" + bobs + "/delegation", "{\"budget\":" + money("90.00")
        + "}"), 403, "Only the owner");
    assertRefused(post(bob, "/accounts/" + bobs + "/close"), 403, "Only the owner");
    assertRefused(post(bob, "/accounts/" + bobs + "/unfreeze"), 403, "Only the owner");
    assertRefused(ada.send("PUT", "/t/accounting/accounts/" + bobs + "/limits", "{\"overdraftLimit\":"
        + money("5.00") + "}"), 400, "cannot overdraw");
    assertRefused(bob.send("POST", "/t/accounting/accounts/" + bobs + "/delegations", "{\"members\":[\"cyd\"],"
        + "\"budget\":" + money("1.00") + "}"), 404, "no account");
    String spare = fx.createAccount(bob, "spare");
    assertRefused(bob.send("POST", "/t/accounting/accounts/" + spare + "/delegations", "{\"members\":[\"cyd\"],"
        + "\"budget\":" + money("1000.00") + "}"), 402, "insufficient_funds");
    assertEquals(bd("20.00"), fx.balance(bob, bobs));
  }

  @Test
  void freezingStopsNewHoldsAndPaymentsWhileRunningHoldsStillSettle() {
    String bobs = subOf(delegate("[\"bob\"]", "20.00", null), "bob");
    String running = holdOn(bob, bobs, "8.00", "h1");
    String other = holdOn(bob, bobs, "2.00", "h2");
    Reply frozen = post(ada, "/accounts/" + bobs + "/freeze");
    assertEquals(200, frozen.status(), frozen.body());
    assertEquals("frozen", json(frozen).get("status").asText());
    assertRefused(fx.hold(bob, bobs, "1.00", 600, "h3"), 409, "frozen");
    assertRefused(fx.transfer(bob, bobs, Ledger.REVENUE, "1.00", "t1"), 409, "frozen");
    assertEquals(200, fx.capture(bob, running, "7.25").status(), "a running hold settles");
    assertEquals(200, post(bob, "/holds/" + other + "/void").status(), "and another is released");
    assertEquals(bd("12.75"), fx.balance(bob, bobs));
    assertEquals(200, post(ada, "/accounts/" + bobs + "/freeze").status(), "freezing again changes nothing");
    assertEquals(200, post(ada, "/accounts/" + bobs + "/unfreeze").status());
    holdOn(bob, bobs, "1.00", "h4");
  }

  @Test
  void closingReturnsTheWholeRemainderThroughOneLedgerTransferOnceItsHoldsHaveSettled() {
    String bobs = subOf(delegate("[\"bob\"]", "20.00", null), "bob");
    String running = holdOn(bob, bobs, "3.00", "h1");
    assertRefused(post(ada, "/accounts/" + bobs + "/close"), 409, "held by running jobs");
    assertEquals(200, fx.capture(bob, running, "2.99").status());
    Reply closed = post(ada, "/accounts/" + bobs + "/close");
    assertEquals(200, closed.status(), closed.body());
    JsonNode answer = json(closed);
    assertEquals(bd("17.01"), amount(answer.get("returned")));
    assertEquals("closed", answer.get("account").get("status").asText());
    assertEquals(bd("2.99"), amount(answer.get("account").get("spent")));
    assertEquals(bd("97.01"), fx.balance(ada, lab), "100.00 less exactly what Bob spent");
    String transfer = answer.get("transfer").asText();
    JsonNode last = json(ada.send("GET", "/t/accounting/accounts/" + lab + "/statement", null)).get("lines");
    last = last.get(last.size() - 1);
    assertEquals(transfer, last.get("reference").asText(), "the parent's statement shows the transfer");
    assertEquals(bd("17.01"), amount(last.get("amount")));
    Reply again = post(ada, "/accounts/" + bobs + "/close");
    assertEquals(answer, json(again), "closing again answers the same and moves nothing");
    assertEquals(bd("97.01"), fx.balance(ada, lab));
    assertRefused(fx.hold(bob, bobs, "1.00", 600, "h2"), 409, "closed");
    assertRefused(ada.send("PUT", "/t/accounting/accounts/" + bobs + "/delegation", "{\"budget\":" + money("5.00")
        + "}"), 409, "closed");
    String again2 = subOf(delegate("[\"bob\"]", "5.00", null), "bob");
    assertTrue(!again2.equals(bobs), "a new sub-account for Bob");
    assertEquals("lab/bob (2)", fx.account(bob, again2).get("name").asText());
    LedgerConcurrencyTest.assertLedgerBalances(fx.store, 1);
  }

  @Test
  void changingABudgetMovesTheDifferenceAndNeverTakesBackWhatIsSpentOrHeld() {
    String bobs = subOf(delegate("[\"bob\"]", "20.00", "5.00"), "bob");
    assertEquals(200, fx.capture(bob, holdOn(bob, bobs, "4.00", "h1"), "4.00").status());
    holdOn(bob, bobs, "1.00", "h2");
    Reply raised = ada.send("PUT", "/t/accounting/accounts/" + bobs + "/delegation", "{\"budget\":" + money("50.00")
        + ",\"dailyCap\":" + money("30.00") + "}");
    assertEquals(200, raised.status(), raised.body());
    assertEquals(bd("50.00"), fx.balance(ada, lab));
    assertEquals(bd("45.00"), amount(json(raised).get("available")));
    assertRefused(ada.send("PUT", "/t/accounting/accounts/" + bobs + "/delegation", "{\"budget\":" + money("4.99")
        + "}"), 409, "can go down to 5.00 GBP at least");
    Reply lowered = ada.send("PUT", "/t/accounting/accounts/" + bobs + "/delegation", "{\"budget\":" + money("5.00")
        + "}");
    assertEquals(200, lowered.status(), lowered.body());
    assertEquals(bd("95.00"), fx.balance(ada, lab));
    JsonNode row = json(lowered);
    assertEquals(bd("4.00"), amount(row.get("spent")));
    assertEquals(bd("0.00"), amount(row.get("available")));
    assertTrue(row.get("dailyCap") == null || row.get("dailyCap").isNull(), "no cap now: " + row);
    assertEquals(bd("4.00"), amount(row.get("spentToday")), "budget moves are not the member's spending");
    assertRefused(ada.send("PUT", "/t/accounting/accounts/" + bobs + "/delegation", "{\"budget\":" + money("500.00")
        + "}"), 402, "insufficient_funds");
    LedgerConcurrencyTest.assertLedgerBalances(fx.store, 1);
  }

  @Test
  void delegatingAgainWithTheSameFiguresChangesNothingAndWithOthersIsRefused() {
    String bobs = subOf(delegate("[\"bob\"]", "20.00", "5.00"), "bob");
    JsonNode again = delegate("[\"cyd\",\"bob\"]", "20.00", "5.00");
    assertEquals(bobs, subOf(again, "bob"), "Bob keeps his");
    assertEquals(bd("60.00"), fx.balance(ada, lab), "only Cy's budget moved");
    assertRefused(ada.send("POST", "/t/accounting/accounts/" + lab + "/delegations", "{\"members\":[\"dee\",\"bob\"],"
        + "\"budget\":" + money("21.00") + "}"), 409, "already has sub-account " + bobs);
    assertEquals(bd("60.00"), fx.balance(ada, lab), "nothing of a refused request happens, Dee's part included");
    Supplier<Reply> freeze = ada.signedOnce("POST", "/t/accounting/accounts/" + bobs + "/freeze", "{}");
    assertEquals(200, freeze.get().status());
    assertRefused(freeze.get(), 401, "replay");
  }

  @Test
  void badDelegationsAreRefusedWithWhatToDo() {
    String path = "/t/accounting/accounts/" + lab + "/delegations";
    assertRefused(ada.send("POST", path, "{\"members\":[],\"budget\":" + money("1.00") + "}"), 400, "'members' is required");
    assertRefused(ada.send("POST", path, "{\"members\":[\"Bob!\"],\"budget\":" + money("1.00") + "}"), 400,
        "not a username");
    assertRefused(ada.send("POST", path, "{\"members\":[\"bob\",\"bob\"],\"budget\":" + money("1.00") + "}"), 400,
        "named twice");
    assertRefused(ada.send("POST", path, "{\"members\":[\"ada\"],\"budget\":" + money("1.00") + "}"), 400,
        "yourself");
    assertRefused(ada.send("POST", path, "{\"members\":[\"bob\"]}"), 400, "'budget' is required");
    assertRefused(ada.send("POST", path, "{\"members\":[\"bob\"],\"budget\":" + money("-1.00") + "}"), 400,
        "negative");
    assertRefused(ada.send("POST", path, "{\"members\":[\"bob\"],\"budget\":{\"amount\":\"1.00\",\"currency\":\"EUR\"}}"),
        400, "in EUR");
    assertRefused(ada.send("PUT", "/t/accounting/accounts/" + lab + "/delegation", "{\"budget\":" + money("1.00")
        + "}"), 400, "not a sub-account");
    assertEquals(bd("100.00"), fx.balance(ada, lab));
  }

  @Test
  void aJobsHoldIsPlacedForTheMemberAndSettledByComputeThroughTheLedger() {
    String bobs = subOf(delegate("[\"bob\"]", "20.00", "10.00"), "bob");
    try (Ledger ledger = AccountingFixture.openLedger(fx.store)) {
      // What compute does (LocalBilling): check the account may pay, hold the quote, settle at the end.
      assertEquals(bobs, ledger.spendable(bobs, "bob").meta().id());
      ApiException owner = assertThrows(ApiException.class, () -> ledger.spendable(bobs, "ada"));
      assertEquals(403, owner.status());
      Instant expires = clock.instant().plus(Duration.ofHours(1));
      String hold = ledger.holdFor("bob", "job-1", bobs, 900, expires, "job quote").id();
      assertEquals(hold, ledger.holdFor("bob", "job-1", bobs, 900, expires, "job quote").id(), "same key, same hold");
      assertEquals(402, assertThrows(ApiException.class,
          () -> ledger.holdFor("bob", "job-2", bobs, 101, expires, "job quote")).status(), "past the daily cap");
      assertEquals(200, post(ada, "/accounts/" + bobs + "/freeze").status());
      assertEquals(409, assertThrows(ApiException.class, () -> ledger.spendable(bobs, "bob")).status(),
          "a frozen sub-account takes no new jobs");
      assertEquals(640, ledger.settle(hold, 640), "a running job still settles");
      assertEquals(640, ledger.settle(hold, 640), "once");
    }
    JsonNode row = row("bob");
    assertEquals(bd("6.40"), amount(row.get("spent")));
    assertEquals(bd("6.40"), amount(row.get("spentToday")));
    LedgerConcurrencyTest.assertLedgerBalances(fx.store, 1);
  }
}
