package io.acquire.client;

import io.acquire.client.wire.AccountingWire;

/**
 * One member's sub-account as the owner of its parent sees it.
 *
 * @param account the sub-account's id
 * @param member who spends it
 * @param status {@code open}, {@code frozen} or {@code closed}
 * @param budget what the parent has put in, net of what went back
 * @param spent budget − balance: spent so far, net of refunds
 * @param held reserved by running jobs and holds
 * @param available what the member can still spend: balance − held
 * @param dailyCap the most the member may spend in a UTC day, or null for no cap
 */
public record MemberBudget(String account, String name, String member, String status, Money budget, Money spent,
    Money spentToday, Money held, Money available, Money dailyCap) {

  static MemberBudget from(AccountingWire.MemberBudget w) {
    return new MemberBudget(w.account(), w.name(), w.member(), w.status(), w.budget(), w.spent(), w.spentToday(),
        w.held(), w.available(), w.dailyCap());
  }
}
