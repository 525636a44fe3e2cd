package io.acquire.services.accounting;

import io.acquire.client.Money;
import io.acquire.services.ServiceContext;
import io.acquire.services.http.ApiException;
import java.time.Instant;

/** {@link Billing} on the ledger itself, for compute running in the same process as accounting. */
final class LocalBilling implements Billing {
  private final Ledger ledger;

  LocalBilling(ServiceContext context) {
    this.ledger = Ledger.of(context);
  }

  @Override
  public String currency() {
    return ledger.currency();
  }

  @Override
  public String requireOwned(String user, String accountId) {
    return ledger.spendable(accountId, user).meta().id();
  }

  @Override
  public String hold(String user, String accountId, Money amount, Instant expiresAt, String description,
      String idempotencyKey) {
    requireCurrency(amount);
    return ledger.holdFor(user, idempotencyKey, accountId, amount.minorUnits(), expiresAt, description).id();
  }

  @Override
  public Money settle(String holdId, Money amount) {
    requireCurrency(amount);
    return Money.ofMinorUnits(ledger.settle(holdId, amount.minorUnits()), currency());
  }

  @Override
  public String storageHold(String user, String accountId, Money amount, Instant expiresAt, String description,
      String idempotencyKey) {
    requireCurrency(amount);
    return ledger.storageHold(user, idempotencyKey, accountId, amount.minorUnits(), expiresAt, description).id();
  }

  @Override
  public Money storageSettle(String holdId, Money amount, String description) {
    requireCurrency(amount);
    Records.HoldRecord hold = ledger.hold(holdId).filter(h -> Ledger.STORAGE.equals(h.requester()))
        .orElseThrow(() -> ApiException.notFound("There is no storage hold " + holdId + "."));
    if (amount.isNegative() || amount.minorUnits() > hold.amountMinor()) {
      throw ApiException.badRequest("Cannot settle " + amount + " against a storage hold of "
          + Money.ofMinorUnits(hold.amountMinor(), currency()) + ".");
    }
    return Money.ofMinorUnits(ledger.settle(holdId, amount.minorUnits(), description), currency());
  }

  @Override
  public void refund(String accountId, Money amount, String description, String idempotencyKey) {
    requireCurrency(amount);
    ledger.refund(idempotencyKey, accountId, amount.minorUnits(), description);
  }

  private void requireCurrency(Money amount) {
    if (!amount.currency().equals(currency())) {
      throw ApiException.badRequest("Amounts here are in " + currency() + ", not " + amount.currency() + ".");
    }
  }
}
