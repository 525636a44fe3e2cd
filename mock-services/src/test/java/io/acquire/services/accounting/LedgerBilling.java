package io.acquire.services.accounting;

import io.acquire.client.Money;
import io.acquire.client.wire.SessionClaims;
import io.acquire.services.http.Caller;
import io.acquire.services.store.ObjectStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * {@link Billing} over a real {@link Ledger} on a store, as {@link LocalBilling} is in the
 * server, for tests in other packages that need the books: accounts opened directly, and
 * the ledger's own checks afterwards.
 */
public final class LedgerBilling implements Billing, AutoCloseable {
  private volatile Runnable afterStorageSettle = () -> { };
  private final Ledger ledger;
  private final Clock clock;

  public LedgerBilling(ObjectStore store, Clock clock, long demoCreditMinor) {
    this.clock = clock;
    this.ledger = new Ledger(store, clock, new Ledger.Settings("GBP", demoCreditMinor, 10_000, Duration.ofDays(36500)));
  }

  /** Opens an account for {@code user} (the first gets the demo credit); returns its id. */
  public String openAccount(String user, String name) {
    Caller caller = new Caller(user, "s-" + UUID.randomUUID(), SessionClaims.SCOPE_USER, clock.instant().plusSeconds(60),
        UUID.randomUUID().toString(), clock.millis());
    return ledger.createAccount(caller, name, 0, null).id();
  }

  /** Moves money between two of {@code user}'s accounts, as they could themselves. */
  public void transfer(String user, String from, String to, long amountMinor) {
    Caller caller = new Caller(user, "s-" + UUID.randomUUID(), SessionClaims.SCOPE_USER, clock.instant().plusSeconds(60),
        UUID.randomUUID().toString(), clock.millis());
    ledger.transfer(caller, UUID.randomUUID().toString(), from, to, amountMinor, "funding a test");
  }

  public long balanceMinor(String account) {
    return ledger.account(account).orElseThrow().latest().balanceMinor();
  }

  /** The sum of every account's balance, the operator's included: zero in exact books. */
  public long sumOfBalancesMinor() {
    return ledger.allAccounts().stream().mapToLong(a -> a.latest().balanceMinor()).sum();
  }

  /** Checks the log's hash chain and every journal's chain and arithmetic; returns how many lines it read. */
  public int verify() {
    ledger.verifyLog();
    int lines = 0;
    for (Records.AccountState account : ledger.allAccounts()) {
      List<Entry> journal = ledger.journal(account.meta().id());
      long balance = 0;
      for (int i = 0; i < journal.size(); i++) {
        Entry line = journal.get(i);
        balance += line.amountMinor();
        if (line.balanceMinor() != balance || i > 0 && !line.chainsFrom(journal.get(i - 1))) {
          throw new AssertionError("journal of " + account.meta().id() + " breaks at line " + line.seq());
        }
      }
      lines += journal.size();
    }
    return lines;
  }

  /** Each journal line's kind, amount and description, oldest first. */
  public List<String> lines(String account) {
    return ledger.journal(account).stream().map(e -> e.kind() + " " + e.amountMinor() + " " + e.description()).toList();
  }

  @Override
  public String currency() {
    return ledger.currency();
  }

  @Override
  public String requireOwned(String user, String accountId) {
    return ledger.owned(accountId, user).meta().id();
  }

  @Override
  public String hold(String user, String accountId, Money amount, Instant expiresAt, String description,
      String idempotencyKey) {
    return ledger.holdFor(user, idempotencyKey, accountId, amount.minorUnits(), expiresAt, description).id();
  }

  @Override
  public Money settle(String holdId, Money amount) {
    return Money.ofMinorUnits(ledger.settle(holdId, amount.minorUnits()), currency());
  }

  @Override
  public String storageHold(String user, String accountId, Money amount, Instant expiresAt, String description,
      String idempotencyKey) {
    return ledger.storageHold(user, idempotencyKey, accountId, amount.minorUnits(), expiresAt, description).id();
  }

  @Override
  public Money storageSettle(String holdId, Money amount, String description) {
    Money settled = Money.ofMinorUnits(ledger.settle(holdId, amount.minorUnits(), description), currency());
    Runnable then = afterStorageSettle;
    afterStorageSettle = () -> { };
    then.run();
    return settled;
  }

  /** Runs {@code action} once, right after the next storage settlement: a race made to order. */
  public void afterNextStorageSettle(Runnable action) {
    afterStorageSettle = action;
  }

  @Override
  public void refund(String accountId, Money amount, String description, String idempotencyKey) {
    ledger.refund(idempotencyKey, accountId, amount.minorUnits(), description);
  }

  @Override
  public void close() {
    ledger.close();
  }
}
