package io.acquire.services.accounting;

import io.acquire.client.Money;
import io.acquire.client.wire.AccountingWire.BudgetSummary;
import io.acquire.client.wire.AccountingWire.ClosedBudget;
import io.acquire.client.wire.AccountingWire.Delegate;
import io.acquire.client.wire.AccountingWire.Delegated;
import io.acquire.client.wire.AccountingWire.MemberBudget;
import io.acquire.client.wire.AccountingWire.SetBudget;
import io.acquire.services.accounting.Records.AccountMeta;
import io.acquire.services.accounting.Records.AccountState;
import io.acquire.services.http.ApiException;
import io.acquire.services.http.Bodies;
import io.acquire.services.http.Routes;
import io.acquire.services.identity.IdentityService;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * Accounting's endpoints for delegated sub-accounts ({@link Delegations}): the owner
 * delegates, reads spend per member, changes a budget, freezes and closes; the member
 * spends through the ordinary hold and capture endpoints.
 */
final class DelegationCalls {
  /** How many members one request may name: a large group's worth, in one batch. */
  static final int MAX_MEMBERS = 1_000;

  private final Delegations delegations;
  private final Ledger ledger;
  private final Clock clock;

  DelegationCalls(Ledger ledger, Clock clock) {
    this.ledger = ledger;
    this.delegations = new Delegations(ledger);
    this.clock = clock;
  }

  void mount(Routes routes) {
    routes.post("/accounts/{id}/delegations", routes.forPeopleClaimingOwnNonce((ctx, caller) -> {
      Delegate request = Bodies.json(ctx, Delegate.class);
      List<String> members = members(request.members());
      long budget = amount("budget", request.budget());
      Long cap = request.dailyCap() == null ? null : amount("dailyCap", request.dailyCap());
      List<AccountState> subs = delegations.delegate(caller, ctx.pathParam("id"), members, budget, cap);
      ctx.status(201).json(summary(ctx.pathParam("id"), subs));
    }))
        .get("/accounts/{id}/delegations", routes.forPeople((ctx, caller) ->
            ctx.json(summary(ctx.pathParam("id"), delegations.of(ctx.pathParam("id"), caller.username())))))
        .put("/accounts/{id}/delegation", routes.forPeopleClaimingOwnNonce((ctx, caller) -> {
          SetBudget request = Bodies.json(ctx, SetBudget.class);
          long budget = amount("budget", request.budget());
          Long cap = request.dailyCap() == null ? null : amount("dailyCap", request.dailyCap());
          ctx.json(member(delegations.setBudget(caller, ctx.pathParam("id"), budget, cap)));
        }))
        .post("/accounts/{id}/freeze", routes.forPeopleClaimingOwnNonce((ctx, caller) ->
            ctx.json(member(delegations.setFrozen(caller, ctx.pathParam("id"), true)))))
        .post("/accounts/{id}/unfreeze", routes.forPeopleClaimingOwnNonce((ctx, caller) ->
            ctx.json(member(delegations.setFrozen(caller, ctx.pathParam("id"), false)))))
        .post("/accounts/{id}/close", routes.forPeopleClaimingOwnNonce((ctx, caller) -> {
          Delegations.Closed closed = delegations.close(caller, ctx.pathParam("id"));
          ctx.json(new ClosedBudget(member(closed.account()), money(closed.returnedMinor()), closed.transferId()));
        }));
  }

  /** What an account view shows of a sub-account; null for an ordinary account. */
  Delegated delegated(AccountState account) {
    Delegation delegation = account.meta().delegation();
    if (delegation == null) {
      return null;
    }
    return new Delegated(delegation.parent(), delegation.member(), delegation.status(),
        money(delegation.budgetMinor()), money(delegation.budgetMinor() - account.latest().balanceMinor()));
  }

  private BudgetSummary summary(String parentId, List<AccountState> subs) {
    String parentName = ledger.account(parentId).map(a -> a.meta().name()).orElse(parentId);
    return new BudgetSummary(parentId, parentName, subs.stream().map(this::member).toList());
  }

  private MemberBudget member(AccountState sub) {
    AccountMeta meta = sub.meta();
    Delegation delegation = meta.delegation();
    Entry latest = sub.latest();
    Instant now = clock.instant();
    long held = latest.heldMinor(now);
    return new MemberBudget(meta.id(), meta.name(), delegation.member(), delegation.status(),
        money(delegation.budgetMinor()), money(delegation.budgetMinor() - latest.balanceMinor()),
        money(latest.spentOn(now)), money(held), money(latest.balanceMinor() - held),
        meta.dailyCapMinor() == null ? null : money(meta.dailyCapMinor()));
  }

  private static List<String> members(List<String> members) {
    if (members == null || members.isEmpty()) {
      throw ApiException.badRequest("Field 'members' is required: a list of usernames, such as [\"ada\", \"bob\"].");
    }
    if (members.size() > MAX_MEMBERS) {
      throw ApiException.badRequest("Field 'members' names " + members.size() + " users; delegate to at most "
          + MAX_MEMBERS + " in one request.");
    }
    for (String member : members) {
      if (member == null || !IdentityService.USERNAME.matcher(member).matches()) {
        throw ApiException.badRequest("Field 'members' holds '" + member + "', which is not a username. "
            + IdentityService.USERNAME_RULE);
      }
    }
    return members;
  }

  private long amount(String field, Money amount) {
    return AccountingService.positiveOrZero(field, amount, ledger.currency());
  }

  private Money money(long minor) {
    return Money.ofMinorUnits(minor, ledger.currency());
  }
}
