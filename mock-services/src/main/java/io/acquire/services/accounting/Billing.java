package io.acquire.services.accounting;

import io.acquire.client.Money;
import io.acquire.services.ServiceContext;
import java.time.Instant;

/**
 * What other services may do with a user's money: reserve a price with a hold, then settle
 * it. Compute uses it to guarantee a job's quote. The ledger's rules (ownership, overdraft,
 * daily cap, idempotency) apply as they do to the user's own calls, and only compute settles
 * the holds it placed. In the process that runs accounting this is the ledger itself;
 * elsewhere it is accounting's service-only endpoints, over signed HTTP.
 */
public interface Billing {
  /** The ledger in this process if accounting runs here, else accounting's endpoints found through the registry. */
  static Billing of(ServiceContext context) {
    return context.runsHere("accounting") ? new LocalBilling(context) : new RemoteBilling(context);
  }

  String currency();

  /**
   * The account's id if {@code user} may spend from it now: owns it, or is the member of an
   * open sub-account (403 for its owner, 409 while frozen or once closed); a 404 naming it otherwise.
   */
  String requireOwned(String user, String accountId);

  /**
   * Holds {@code amount} on the user's account until {@code expiresAt}. The same key gives
   * the same hold. Refused with 402 past the balance, overdraft limit or daily cap.
   *
   * @return the hold's id
   */
  String hold(String user, String accountId, Money amount, Instant expiresAt, String description,
      String idempotencyKey);

  /**
   * Takes {@code amount} (at most the hold) to revenue and releases the rest; zero voids
   * the hold. Settling a hold again changes nothing.
   *
   * @return what was charged: {@code amount}, what an earlier settlement took, or zero if the
   *     hold was voided or expired
   */
  Money settle(String holdId, Money amount);

  /**
   * Holds {@code amount} on the user's account for a storage payment, settled by
   * {@link #storageSettle} alone (never by compute or the person). The same key gives the
   * same hold.
   *
   * @return the hold's id
   */
  String storageHold(String user, String accountId, Money amount, Instant expiresAt, String description,
      String idempotencyKey);

  /**
   * Takes {@code amount} of a storage hold to revenue, the journal lines saying {@code
   * description} (what it paid for), and releases the rest; zero voids it. Settling again
   * changes nothing.
   *
   * @return what was charged, as {@link #settle}
   */
  Money storageSettle(String holdId, Money amount, String description);

  /** Pays {@code amount} back from revenue to the account, once per key (storage's refunds of unused time). */
  void refund(String accountId, Money amount, String description, String idempotencyKey);
}
