package io.acquire.services.accounting;

import io.acquire.client.Money;
import io.acquire.services.ServiceContext;
import io.acquire.services.http.ApiException;
import java.time.Instant;

/**
 * What other services may do with a user's money, in process: reserve a price with a hold,
 * then settle it. Compute uses it to guarantee a job's quote. The ledger's rules
 * (ownership, overdraft, daily cap, idempotency) apply as they do to the user's own calls,
 * and only this settles the holds it placed.
 */
public final class Billing {
  private final Ledger ledger;

  public Billing(ServiceContext context) {
    this.ledger = Ledger.of(context);
  }

  public String currency() {
    return ledger.currency();
  }

  /** The account's id if {@code user} owns it; a 404 naming it otherwise. */
  public String requireOwned(String user, String accountId) {
    return ledger.owned(accountId, user).meta().id();
  }

  /**
   * Holds {@code amount} on the user's account until {@code expiresAt}. The same key gives
   * the same hold. Refused with 402 past the balance, overdraft limit or daily cap.
   *
   * @return the hold's id
   */
  public String hold(String user, String accountId, Money amount, Instant expiresAt, String description,
      String idempotencyKey) {
    requireCurrency(amount);
    return ledger.holdFor(user, idempotencyKey, accountId, amount.minorUnits(), expiresAt, description).id();
  }

  /**
   * Takes {@code amount} (at most the hold) to revenue and releases the rest; zero voids
   * the hold. Settling a hold again changes nothing.
   *
   * @return what was charged: {@code amount}, what an earlier settlement took, or zero if the
   *     hold was voided or expired
   */
  public Money settle(String holdId, Money amount) {
    requireCurrency(amount);
    return Money.ofMinorUnits(ledger.settle(holdId, amount.minorUnits()), currency());
  }

  private void requireCurrency(Money amount) {
    if (!amount.currency().equals(currency())) {
      throw ApiException.badRequest("Amounts here are in " + currency() + ", not " + amount.currency() + ".");
    }
  }
}
