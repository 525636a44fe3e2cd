package io.acquire.services.accounting;

import io.acquire.services.accounting.Records.AccountMeta;

/**
 * What makes an account a sub-account: the owner of {@code parent} funded it for {@code
 * member} to spend, and only through the ledger's holds, captures and payments to the
 * operator. Kept in the account's {@link AccountMeta}, so it is written in the same batch
 * as the change that made it.
 *
 * @param budgetMinor what the parent has put in, net of what went back: the member's total
 *     budget, so {@code budget - balance} is what the member has spent (net of refunds)
 * @param status {@link #OPEN}, {@link #FROZEN} (no new holds or payments; running holds
 *     settle) or {@link #CLOSED} (the remainder went back to the parent; nothing moves again)
 */
record Delegation(String parent, String member, long budgetMinor, String status) {
  static final String OPEN = "open";
  static final String FROZEN = "frozen";
  static final String CLOSED = "closed";

  Delegation withBudget(long budget) {
    return new Delegation(parent, member, budget, status);
  }

  Delegation withStatus(String newStatus) {
    return new Delegation(parent, member, budgetMinor, newStatus);
  }

  boolean isClosed() {
    return CLOSED.equals(status);
  }

  /** Whether {@code user} may see it: its owner and its member. */
  static boolean visibleTo(AccountMeta meta, String user) {
    return !user.equals(Ledger.SYSTEM)
        && (meta.owner().equals(user) || meta.delegation() != null && meta.delegation().member().equals(user));
  }

  /**
   * Whether {@code user} is the one who spends from it: its member, or for an ordinary
   * account its owner ({@link Delegations#checkSpender} says whether they may spend now).
   */
  static boolean spentBy(AccountMeta meta, String user) {
    if (user.equals(Ledger.SYSTEM)) {
      return false;
    }
    return meta.delegation() == null ? meta.owner().equals(user) : meta.delegation().member().equals(user);
  }
}
