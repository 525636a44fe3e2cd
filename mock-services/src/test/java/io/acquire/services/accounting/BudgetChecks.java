package io.acquire.services.accounting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.acquire.services.accounting.Records.AccountMeta;
import io.acquire.services.accounting.Records.AccountState;
import io.acquire.client.wire.Json;
import io.acquire.services.accounting.Records.Batch;
import io.acquire.services.accounting.Records.Line;
import io.acquire.services.store.ObjectLog;
import io.acquire.services.store.ObjectStore;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What must hold of every sub-account, read by a fresh ledger that replays the log. */
final class BudgetChecks {
  private BudgetChecks() {}

  /**
   * {@link LedgerConcurrencyTest#assertLedgerBalances}'s books, read forward through the log
   * once instead of walking each journal back (which a thousand accounts make slow), then
   * {@link #assertWithinCaps}: every account's journal chains by hash and adds up to its
   * balance, no reference is applied twice to one account, no hold is captured twice, and
   * all balances sum to exactly zero.
   */
  static int assertBooksExactAndWithinCaps(ObjectStore store, Map<String, Long> spentByMember) {
    Map<String, List<Entry>> journals = journals(store);
    try (Ledger ledger = AccountingFixture.openLedger(store)) {
      assertTrue(ledger.verifyLog() > 0, "the log has batches and chains by hash");
      long total = 0;
      Set<String> capturedHolds = new HashSet<>();
      for (AccountState account : ledger.allAccounts()) {
        String id = account.meta().id();
        List<Entry> journal = journals.get(id);
        long sum = 0;
        Set<String> references = new HashSet<>();
        for (int i = 0; i < journal.size(); i++) {
          Entry line = journal.get(i);
          if (i > 0) {
            assertTrue(line.chainsFrom(journal.get(i - 1)), "hash chain of " + id + " at " + i);
          }
          sum += line.amountMinor();
          assertEquals(sum, line.balanceMinor(), "running balance of " + id + " at " + i);
          if (line.reference() != null) {
            assertTrue(references.add(line.reference()), line.reference() + " applied twice to " + id);
          }
          if (line.kind().equals("capture")) {
            String hold = ledger.transfer(line.reference()).orElseThrow().holdId();
            assertTrue(capturedHolds.add(hold), "hold " + hold + " captured twice");
          }
        }
        assertEquals(sum, account.latest().balanceMinor(), "state of " + id + " matches its journal");
        total += sum;
      }
      assertEquals(0, total, "money was created or destroyed");
    }
    return assertWithinCaps(store, journals, spentByMember);
  }

  /**
   * Every sub-account's journal never goes below zero, spends no more in any UTC day than
   * its daily cap, and spends in all exactly its budget less its balance (no more than its
   * budget); a closed one is empty; each parent's journal moved exactly the sub-accounts'
   * budgets; and each member's spending is what the test saw succeed.
   *
   * @param spentByMember minor units each member's successful captures and payments added up
   *     to, as the test saw them answered
   * @return how many sub-accounts were checked
   */
  static int assertWithinCaps(ObjectStore store, Map<String, Long> spentByMember) {
    return assertWithinCaps(store, journals(store), spentByMember);
  }

  private static int assertWithinCaps(ObjectStore store, Map<String, List<Entry>> journals,
      Map<String, Long> spentByMember) {
    int checked = 0;
    try (Ledger ledger = AccountingFixture.openLedger(store)) {
      Map<String, Long> budgetsByParent = new HashMap<>();
      Map<String, Long> spentSeen = new HashMap<>();
      for (AccountState account : ledger.allAccounts()) {
        AccountMeta meta = account.meta();
        Delegation delegation = meta.delegation();
        if (delegation == null) {
          continue;
        }
        checked++;
        long spent = 0;
        Map<LocalDate, Long> byDay = new HashMap<>();
        List<Entry> journal = journals.get(meta.id());
        assertEquals(account.latest().seq() + 1, journal.size(), "lines of " + meta.id());
        for (Entry line : journal) {
          assertTrue(line.balanceMinor() >= 0, meta.id() + " overdrew at line " + line.seq());
          boolean withParent = delegation.parent().equals(line.counterparty());
          if (line.kind().equals("capture") || line.kind().equals("debit") && !withParent) {
            spent -= line.amountMinor();
            byDay.merge(LocalDate.ofInstant(line.at(), ZoneOffset.UTC), -line.amountMinor(), Long::sum);
          } else if (line.kind().equals("credit") && !withParent) {
            spent -= line.amountMinor(); // a refund from the operator
          }
        }
        for (Map.Entry<LocalDate, Long> day : byDay.entrySet()) {
          assertTrue(meta.dailyCapMinor() == null || day.getValue() <= meta.dailyCapMinor(), meta.id() + " spent "
              + day.getValue() + " on " + day.getKey() + " past its cap of " + meta.dailyCapMinor());
        }
        long balance = account.latest().balanceMinor();
        assertEquals(spent, delegation.budgetMinor() - balance, "budget less balance of " + meta.id()
            + " is what its journal spent");
        assertTrue(spent >= 0 && spent <= delegation.budgetMinor(), meta.id() + " within its budget");
        if (delegation.isClosed()) {
          assertEquals(0, balance, "closed " + meta.id() + " returned everything");
          assertEquals(0, account.latest().heldMinor(Instant.now()), "closed " + meta.id() + " holds nothing");
        }
        budgetsByParent.merge(delegation.parent(), delegation.budgetMinor(), Long::sum);
        spentSeen.merge(delegation.member(), spent, Long::sum);
      }
      for (Map.Entry<String, Long> parent : budgetsByParent.entrySet()) {
        long moved = 0;
        for (Entry line : journals.get(parent.getKey())) {
          AccountMeta other = line.counterparty() == null ? null
              : ledger.account(line.counterparty()).map(AccountState::meta).orElse(null);
          if (other != null && other.delegation() != null && other.delegation().parent().equals(parent.getKey())) {
            moved -= line.amountMinor();
          }
        }
        assertEquals(parent.getValue(), moved, "parent " + parent.getKey() + " moved exactly its sub-accounts' budgets");
      }
      spentByMember.forEach((member, minor) -> assertEquals(minor, spentSeen.getOrDefault(member, 0L),
          "what " + member + " spent"));
    }
    return checked;
  }

  /** Every account's journal lines, oldest first, from one read of the whole log (cheaper than walking each back). */
  private static Map<String, List<Entry>> journals(ObjectStore store) {
    Map<String, List<Entry>> journals = new HashMap<>();
    ObjectLog log = store.log(Ledger.LOG);
    for (long seq = 0; ; seq++) {
      Optional<byte[]> bytes = log.read(seq);
      if (bytes.isEmpty()) {
        return journals;
      }
      for (Line line : Json.read(bytes.get(), Batch.class).lines()) {
        List<Entry> journal = journals.computeIfAbsent(line.account(), a -> new ArrayList<>());
        assertEquals(journal.size(), line.entry().seq(), "line order of " + line.account());
        journal.add(line.entry());
      }
    }
  }
}
