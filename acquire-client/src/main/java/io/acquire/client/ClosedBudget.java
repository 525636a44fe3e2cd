package io.acquire.client;

import io.acquire.client.wire.AccountingWire;

/**
 * A closed sub-account: what {@link Account#close()} returns.
 *
 * @param returned the remainder that went back to the parent
 * @param transfer the id of the transfer that returned it, or null if nothing was left
 */
public record ClosedBudget(MemberBudget account, Money returned, String transfer) {

  static ClosedBudget from(AccountingWire.ClosedBudget w) {
    return new ClosedBudget(MemberBudget.from(w.account()), w.returned(), w.transfer());
  }
}
