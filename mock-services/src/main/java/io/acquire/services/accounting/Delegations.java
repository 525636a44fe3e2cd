package io.acquire.services.accounting;

import io.acquire.services.accounting.Records.AccountMeta;
import io.acquire.services.accounting.Records.AccountState;
import io.acquire.services.accounting.Records.TransferRecord;
import io.acquire.services.http.ApiException;
import io.acquire.services.http.Caller;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Delegated sub-accounts: an account's owner funds a sub-account for each of a group's
 * members, with its own daily cap and total budget. Every rule is decided by the ledger in
 * the batch that makes the change, so it holds across processes and crashes like any
 * transfer: the budget moves between parent and sub-account as ledger transfers (not
 * spending, so neither daily cap counts them); the member spends it only on holds,
 * captures and payments to the operator ({@link #payee}); the owner changes its budget and
 * cap, freezes it, or closes it, when the remainder goes back to the parent.
 *
 * <p>Every change here is stated as the state it leads to, so repeating one changes nothing
 * and answers the same.
 */
final class Delegations {
  private final Ledger ledger;

  Delegations(Ledger ledger) {
    this.ledger = ledger;
  }

  /** A sub-account closed, and what its closing returned to the parent (0 and no transfer if nothing was left). */
  record Closed(AccountState account, long returnedMinor, String transferId) {}

  // Rules the ledger applies to every request ------------------------------------------------------

  /** Refuses {@code user} spending from a sub-account they may see but not spend now. */
  static void checkSpender(AccountMeta meta, String user) {
    Delegation delegation = meta.delegation();
    if (delegation == null) {
      return;
    }
    if (!delegation.member().equals(user)) {
      throw ApiException.forbidden("Sub-account " + meta.id() + " is " + delegation.member() + "'s to spend; as its "
          + "owner you may change its budget and daily cap, freeze it or close it.");
    }
    if (Delegation.FROZEN.equals(delegation.status())) {
      throw ApiException.conflict("Sub-account " + meta.id() + " is frozen by its owner, " + meta.owner()
          + ": no new holds or payments (running holds still settle). Ask them to unfreeze it.");
    }
    if (delegation.isClosed()) {
      throw closed(meta);
    }
  }

  /** A sub-account never overdraws, and a closed one's limits no longer change. */
  static void checkLimits(AccountMeta meta, long overdraftMinor) {
    if (meta.delegation() == null) {
      return;
    }
    if (meta.delegation().isClosed()) {
      throw closed(meta);
    }
    if (overdraftMinor != 0) {
      throw ApiException.badRequest("Sub-account " + meta.id() + " cannot overdraw: its overdraft limit stays 0; "
          + "raise its budget instead (PUT /accounts/" + meta.id() + "/delegation).");
    }
  }

  /**
   * Where money paid from {@code from} to {@code to} may go. A sub-account pays only the
   * operator's accounts (captures, storage): its member cannot move it to anyone. It is paid
   * only by the operator (refunds), since its parent funds it through its budget; a refund
   * that arrives after it closed goes to the parent, like the rest of its remainder.
   */
  static AccountState payee(Draft d, AccountState from, AccountState to) {
    AccountMeta payer = from.meta();
    AccountMeta payee = to.meta();
    if (payer.delegation() != null && !payee.owner().equals(Ledger.SYSTEM)) {
      throw ApiException.forbidden("Sub-account " + payer.id() + " is for " + payer.delegation().member()
          + "'s jobs and storage: its money goes only to the operator, or back to its parent when its owner lowers "
          + "its budget or closes it.");
    }
    if (payee.delegation() != null) {
      if (!payer.owner().equals(Ledger.SYSTEM)) {
        throw ApiException.forbidden("Sub-account " + payee.id() + " is funded only by its parent, through its "
            + "budget: its owner raises it with PUT /accounts/" + payee.id() + "/delegation.");
      }
      if (payee.delegation().isClosed()) {
        return d.account(payee.delegation().parent()).orElseThrow();
      }
    }
    return to;
  }

  private static ApiException closed(AccountMeta meta) {
    return ApiException.conflict("Sub-account " + meta.id() + " is closed; its remainder went back to "
        + meta.delegation().parent() + ".");
  }

  // Reads ---------------------------------------------------------------------------------------

  /** The sub-accounts of {@code parentId}, oldest first, for its owner. */
  List<AccountState> of(String parentId, String owner) {
    ledger.owned(parentId, owner);
    return ledger.read(s -> s.accountIdsOf(owner).stream().map(s::account)
        .filter(a -> a.meta().delegation() != null && a.meta().delegation().parent().equals(parentId)).toList());
  }

  // Changes -------------------------------------------------------------------------------------

  /**
   * Opens a sub-account of {@code parentId} for each member, funded with {@code budgetMinor}
   * from the parent, all in one batch or none. A member who already has an open or frozen
   * sub-account of it with this budget and cap keeps it (so a repeat changes nothing); with
   * another budget or cap the request is refused.
   *
   * @param dailyCapMinor null for none
   */
  List<AccountState> delegate(Caller caller, String parentId, List<String> members, long budgetMinor,
      Long dailyCapMinor) {
    String owner = caller.username();
    if (members.isEmpty()) {
      throw ApiException.badRequest("Name at least one member to delegate to.");
    }
    Set<String> distinct = new HashSet<>();
    for (String member : members) {
      if (member.equals(owner)) {
        throw ApiException.badRequest("You cannot delegate to yourself: spend from " + parentId + " directly.");
      }
      if (!distinct.add(member)) {
        throw ApiException.badRequest("Member '" + member + "' is named twice; name each member once.");
      }
    }
    return ledger.submit(caller, d -> {
      AccountState parent = ledger.ownedIn(d, parentId, owner);
      if (parent.meta().delegation() != null) {
        throw ApiException.badRequest("Account " + parentId + " is itself a sub-account; delegate from an "
            + "ordinary account.");
      }
      Map<String, AccountState> current = new LinkedHashMap<>();
      for (AccountState sub : subAccounts(d, parentId, owner)) {
        if (!sub.meta().delegation().isClosed()) {
          current.put(sub.meta().delegation().member(), sub);
        }
      }
      List<String> ids = new ArrayList<>();
      boolean changed = false;
      for (String member : members) {
        AccountState there = current.get(member);
        if (there != null) {
          if (there.meta().delegation().budgetMinor() != budgetMinor
              || !Objects.equals(there.meta().dailyCapMinor(), dailyCapMinor)) {
            throw ApiException.conflict(member + " already has sub-account " + there.meta().id() + " of " + parentId
                + " with a budget of " + ledger.money(there.meta().delegation().budgetMinor()) + " and a daily cap of "
                + cap(there.meta().dailyCapMinor()) + "; change it with PUT /accounts/" + there.meta().id()
                + "/delegation, or close it first.");
          }
          ids.add(there.meta().id());
          continue;
        }
        AccountMeta meta = new AccountMeta(Ledger.newId("acct_"), owner, freeName(d, owner,
            parent.meta().name() + "/" + member), ledger.currency(), 0, dailyCapMinor, d.at(), null,
            new Delegation(parentId, member, budgetMinor, Delegation.OPEN));
        d.putAccount(meta);
        d.putLine(meta.id(), Entry.open(d.at()));
        if (budgetMinor > 0) {
          fund(d, parentId, meta.id(), budgetMinor, "budget for " + member);
        }
        ids.add(meta.id());
        changed = true;
      }
      List<AccountState> subs = ids.stream().map(id -> d.account(id).orElseThrow()).toList();
      return changed ? LedgerLog.changed(subs) : LedgerLog.unchanged(subs);
    });
  }

  /**
   * Sets a sub-account's total budget and daily cap: raising the budget moves the difference
   * from the parent, lowering it moves it back, as long as that much is neither spent nor held.
   */
  AccountState setBudget(Caller caller, String subId, long budgetMinor, Long dailyCapMinor) {
    return ledger.submit(caller, d -> {
      AccountState sub = ownersSub(d, subId, caller.username(), "changes its budget");
      AccountMeta meta = sub.meta();
      Delegation delegation = meta.delegation();
      if (delegation.isClosed()) {
        throw closed(meta);
      }
      long delta = budgetMinor - delegation.budgetMinor();
      if (delta == 0 && Objects.equals(meta.dailyCapMinor(), dailyCapMinor)) {
        return LedgerLog.unchanged(sub);
      }
      if (delta > 0) {
        fund(d, delegation.parent(), subId, delta, "budget for " + delegation.member() + " raised to "
            + ledger.money(budgetMinor));
      } else if (delta < 0) {
        long free = sub.latest().balanceMinor() - sub.latest().heldMinor(d.at());
        if (free < -delta) {
          throw ApiException.conflict("Only " + ledger.money(free) + " of sub-account " + subId + "'s budget is "
              + "neither spent nor held, so its budget can go down to " + ledger.money(delegation.budgetMinor() - free)
              + " at least, not " + ledger.money(budgetMinor) + ".");
        }
        ledger.book(d, caller.username(), null, sub, d.account(delegation.parent()).orElseThrow(), -delta, null,
            "budget for " + delegation.member() + " lowered to " + ledger.money(budgetMinor), false);
      }
      d.putAccount(new AccountMeta(meta.id(), meta.owner(), meta.name(), meta.currency(), 0, dailyCapMinor,
          meta.createdAt(), meta.overdraftGrantMinor(), delegation.withBudget(budgetMinor)));
      return LedgerLog.changed(d.account(subId).orElseThrow());
    });
  }

  /** Freezes (no new holds or payments; running holds settle) or unfreezes a sub-account. */
  AccountState setFrozen(Caller caller, String subId, boolean frozen) {
    return ledger.submit(caller, d -> {
      AccountState sub = ownersSub(d, subId, caller.username(), frozen ? "freezes it" : "unfreezes it");
      Delegation delegation = sub.meta().delegation();
      if (delegation.isClosed()) {
        throw closed(sub.meta());
      }
      String status = frozen ? Delegation.FROZEN : Delegation.OPEN;
      if (delegation.status().equals(status)) {
        return LedgerLog.unchanged(sub);
      }
      d.putAccount(sub.meta().withDelegation(delegation.withStatus(status)));
      return LedgerLog.changed(d.account(subId).orElseThrow());
    });
  }

  /**
   * Closes a sub-account: its whole balance goes back to the parent in one ledger transfer,
   * and it takes no holds or payments again. Refused while holds stand, whose outcome is not
   * yet known; freezing first stops new ones. Closing again answers as the first time did.
   */
  Closed close(Caller caller, String subId) {
    return ledger.submit(caller, d -> {
      AccountState sub = ownersSub(d, subId, caller.username(), "closes it");
      AccountMeta meta = sub.meta();
      Delegation delegation = meta.delegation();
      Entry latest = sub.latest();
      if (delegation.isClosed()) {
        boolean returned = "debit".equals(latest.kind()) && delegation.parent().equals(latest.counterparty());
        return LedgerLog.unchanged(new Closed(sub, returned ? -latest.amountMinor() : 0,
            returned ? latest.reference() : null));
      }
      Instant now = d.at();
      long held = latest.heldMinor(now);
      if (held > 0) {
        Instant until = latest.holds().values().stream().filter(h -> h.expiresAt().isAfter(now))
            .map(Entry.HoldState::expiresAt).max(Instant::compareTo).orElseThrow();
        throw ApiException.conflict("Sub-account " + subId + " has " + ledger.money(held) + " held by running jobs or "
            + "holds (the last expires at " + until + "); freeze it so that no new ones start, and close it once they "
            + "settle.");
      }
      long balance = latest.balanceMinor();
      TransferRecord returned = null;
      if (balance > 0) {
        returned = ledger.book(d, caller.username(), null, sub, d.account(delegation.parent()).orElseThrow(), balance,
            null, "sub-account of " + delegation.member() + " closed: remainder returned", false);
      }
      d.putAccount(meta.withDelegation(new Delegation(delegation.parent(), delegation.member(),
          delegation.budgetMinor() - balance, Delegation.CLOSED)));
      return LedgerLog.changed(new Closed(d.account(subId).orElseThrow(), balance,
          returned == null ? null : returned.id()));
    });
  }

  // Helpers -------------------------------------------------------------------------------------

  /** The sub-account if {@code owner} owns it; its member hears what only the owner may do. */
  private AccountState ownersSub(Draft d, String subId, String owner, String what) {
    AccountState sub = d.account(subId).filter(a -> Delegation.visibleTo(a.meta(), owner))
        .orElseThrow(() -> ApiException.notFound("You have no account " + subId + "."));
    if (sub.meta().delegation() == null) {
      throw ApiException.badRequest("Account " + subId + " is not a sub-account; delegate from it with POST "
          + "/accounts/" + subId + "/delegations.");
    }
    if (!sub.meta().owner().equals(owner)) {
      throw ApiException.forbidden("Only the owner of sub-account " + subId + ", " + sub.meta().owner() + ", " + what
          + ".");
    }
    return sub;
  }

  private static List<AccountState> subAccounts(Draft d, String parentId, String owner) {
    return d.accountIdsOf(owner).stream().map(id -> d.account(id).orElseThrow())
        .filter(a -> a.meta().delegation() != null && a.meta().delegation().parent().equals(parentId)).toList();
  }

  /** {@code name}, or if a closed sub-account holds it, the first of "name (2)", "name (3)", … that is free. */
  private static String freeName(Draft d, String owner, String name) {
    String candidate = name;
    for (int n = 2; d.hasAccountNamed(owner, candidate); n++) {
      candidate = name + " (" + n + ")";
    }
    return candidate;
  }

  /** Moves budget from the parent, which must have it available; not spending, so the parent's daily cap is not touched. */
  private void fund(Draft d, String parentId, String subId, long amountMinor, String description) {
    AccountState parent = d.account(parentId).orElseThrow();
    Entry latest = parent.latest();
    long available = latest.balanceMinor() - latest.heldMinor(d.at()) + parent.meta().overdraftMinor();
    if (available < amountMinor) {
      throw ledger.insufficient("Account " + parentId + " has " + ledger.money(available) + " available; cannot fund "
          + ledger.money(amountMinor) + " (" + description + ").");
    }
    ledger.book(d, parent.meta().owner(), null, parent, d.account(subId).orElseThrow(), amountMinor, null,
        description, false);
  }

  private String cap(Long minor) {
    return minor == null ? "none" : ledger.money(minor);
  }
}
