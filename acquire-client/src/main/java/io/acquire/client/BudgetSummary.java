package io.acquire.client;

import io.acquire.client.wire.AccountingWire;
import java.util.List;

/**
 * Spend per member of an account's sub-accounts, oldest first: what {@link Account#budgets()} returns.
 *
 * @param parent the id of the account that funds them
 */
public record BudgetSummary(String parent, String parentName, List<MemberBudget> members) {

  public BudgetSummary {
    members = members == null ? List.of() : List.copyOf(members);
  }

  static BudgetSummary from(AccountingWire.BudgetSummary w) {
    return new BudgetSummary(w.parent(), w.parentName(), w.members().stream().map(MemberBudget::from).toList());
  }
}
