package io.acquire.client;

import io.acquire.client.wire.AccountingWire;
import java.time.Instant;
import java.util.List;

/**
 * An account as its owner sees it now: what {@link Account#status()} returns.
 *
 * @param owner the user who owns it
 * @param available what can still be spent: balance − active holds + overdraft room
 * @param overdraftLimit how far the balance may go below zero (zero for none)
 * @param dailyCap the most it may spend in a UTC day, or null for no cap
 * @param spentToday transfers out and captures this UTC day
 * @param holds money reserved by running jobs and holds, until captured, released or expired
 * @param journalLength how many lines its statement has
 * @param delegation what makes it a sub-account; null on an ordinary account
 */
public record AccountSummary(String id, String name, String owner, Money balance, Money available,
    Money overdraftLimit, Money dailyCap, Money spentToday, List<Hold> holds, long journalLength,
    Delegation delegation) {

  public AccountSummary {
    holds = holds == null ? List.of() : List.copyOf(holds);
  }

  /** An active hold on the account, until {@code expiresAt}. */
  public record Hold(String id, Money amount, Instant expiresAt) {}

  /**
   * What makes an account a sub-account.
   *
   * @param parent the account that funds it
   * @param member who spends it
   * @param status {@code open}, {@code frozen} (no new holds; running ones settle) or {@code closed}
   * @param budget what the parent has put in, net of what went back
   * @param spent budget − balance: what the member has spent, net of refunds
   */
  public record Delegation(String parent, String member, String status, Money budget, Money spent) {}

  static AccountSummary from(AccountingWire.AccountView w) {
    AccountingWire.Delegated d = w.delegation();
    return new AccountSummary(w.id(), w.name(), w.owner(), w.balance(), w.available(), w.overdraftLimit(),
        w.dailyCap(), w.spentToday(), w.holds() == null ? List.of()
            : w.holds().stream().map(h -> new Hold(h.id(), h.amount(), h.expiresAt())).toList(),
        w.journalLength(),
        d == null ? null : new Delegation(d.parent(), d.member(), d.status(), d.budget(), d.spent()));
  }
}
