package io.acquire.services.accounting;

import static io.acquire.services.accounting.AccountingFixture.json;
import static io.acquire.services.accounting.AccountingFixture.money;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.acquire.services.accounting.Records.AccountMeta;
import io.acquire.services.accounting.Records.AccountState;
import io.acquire.services.accounting.Records.Checkpoint;
import io.acquire.services.http.ApiException;
import io.acquire.services.store.MemoryObjectStore;
import io.acquire.services.testing.TestSessions.Reply;
import io.acquire.services.testing.TestSessions.Session;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where a sub-account's money may go, and that a checkpoint keeps what makes an account a sub-account. */
class DelegationRulesTest {
  private static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");

  private static AccountState account(String id, String owner, Delegation delegation) {
    return new AccountState(new AccountMeta(id, owner, id, "GBP", 0, null, NOW, null, delegation), Entry.open(NOW), 0);
  }

  private final AccountState revenue = account(Ledger.REVENUE, Ledger.SYSTEM, null);
  private final AccountState lab = account("acct_lab", "ada", null);
  private final AccountState bobs = account("acct_bobs", "ada", new Delegation("acct_lab", "bob", 500, "open"));
  private final AccountState closed = account("acct_cyds", "ada", new Delegation("acct_lab", "cyd", 0, "closed"));
  private final AccountState bobsOwn = account("acct_bob", "bob", null);
  private final Draft draft = new Draft(LedgerState.of(new Checkpoint(0, NOW, "", List.of(revenue, lab, bobs, closed,
      bobsOwn), List.of(), List.of(), List.of()), Duration.ofMinutes(5)), NOW);

  @Test
  void aSubAccountPaysOnlyTheOperatorAndIsPaidOnlyByTheOperator() {
    assertEquals(revenue, Delegations.payee(draft, bobs, revenue), "captures and payments to the operator");
    assertEquals(bobs, Delegations.payee(draft, revenue, bobs), "a refund");
    for (AccountState[] refused : new AccountState[][] {{bobs, bobsOwn}, {bobs, lab}, {bobs, closed}, {lab, bobs},
        {bobsOwn, bobs}}) {
      ApiException e = assertThrows(ApiException.class, () -> Delegations.payee(draft, refused[0], refused[1]));
      assertEquals(403, e.status(), refused[0].meta().id() + " to " + refused[1].meta().id());
    }
    assertEquals(bobsOwn, Delegations.payee(draft, lab, bobsOwn), "ordinary accounts are untouched");
  }

  @Test
  void aRefundThatReachesAClosedSubAccountGoesToItsParent() {
    assertEquals(lab, Delegations.payee(draft, revenue, closed));
  }

  @Test
  void aLedgerStartingFromACheckpointKnowsEverySubAccountAndItsMember() throws Exception {
    MemoryObjectStore store = new MemoryObjectStore();
    String sub;
    try (AccountingFixture fx = new AccountingFixture(store, Clock.systemUTC(),
        Map.of("accounting.checkpoint-every", "2"))) {
      Session ada = fx.sessions.login("ada");
      String lab = fx.createAccount(ada, "lab");
      Reply delegated = ada.send("POST", "/t/accounting/accounts/" + lab + "/delegations", "{\"members\":[\"bob\"],"
          + "\"budget\":" + money("7.00") + "}");
      assertEquals(201, delegated.status(), delegated.body());
      sub = json(delegated).get("members").get(0).get("account").asText();
      assertEquals(200, ada.send("POST", "/t/accounting/accounts/" + sub + "/freeze", "{}").status());
    }
    List<String> checkpoints = store.list("accounting/checkpoints/");
    assertTrue(!checkpoints.isEmpty(), "a checkpoint was written");
    String newest = new String(store.get(checkpoints.get(checkpoints.size() - 1)).orElseThrow().data(),
        StandardCharsets.UTF_8);
    assertTrue(newest.contains("\"member\":\"bob\""), newest);
    try (Ledger restarted = new Ledger(store, Clock.systemUTC(), new Ledger.Settings("GBP", 0, 2,
        Duration.ofMinutes(5)))) {
      List<AccountState> bobsAccounts = restarted.accountsVisibleTo("bob");
      assertEquals(List.of(sub), bobsAccounts.stream().map(a -> a.meta().id()).toList());
      assertEquals(new Delegation(bobsAccounts.get(0).meta().delegation().parent(), "bob", 700, "frozen"),
          bobsAccounts.get(0).meta().delegation());
      assertEquals(700, bobsAccounts.get(0).latest().balanceMinor());
    }
  }
}
