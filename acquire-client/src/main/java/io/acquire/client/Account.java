package io.acquire.client;

import io.acquire.client.internal.Transport;
import io.acquire.client.internal.Transport.Safety;
import io.acquire.client.wire.AccountingWire.AccountList;
import io.acquire.client.wire.AccountingWire;
import io.acquire.client.wire.AccountingWire.AccountView;
import io.acquire.client.wire.AccountingWire.Delegate;
import io.acquire.client.wire.AccountingWire.SetBudget;
import io.acquire.client.wire.AccountingWire.CreateAccount;
import io.acquire.client.wire.AccountingWire.CreateHold;
import io.acquire.client.wire.AccountingWire.HoldResult;
import io.acquire.client.wire.AccountingWire.SetLimits;
import io.acquire.client.wire.AccountingWire.Statement;
import io.acquire.client.wire.AccountingWire.Transfer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A user's account at the accounting service: a balance in exact money, an overdraft
 * limit and an optional daily spending cap.
 *
 * <pre>{@code
 * Account account = Account.create(user, "simulations");       // the first one holds the demo credit
 * account.setLimits(Money.zero("GBP"), Money.of("20.00", "GBP"));
 * account.status().balance();                                    // 100.00 GBP
 * account.transferTo(other, Money.of("5.00", "GBP"), "thanks");
 * }</pre>
 *
 * <p>An owner can delegate: give group members sub-accounts funded from this one, each
 * with its own total budget and daily cap, that they spend on jobs and storage but cannot
 * move to anyone else.
 *
 * <pre>{@code
 * List<Account> subs = lab.delegate(List.of("bob", "cy"), Money.of("50.00", "GBP"), Money.of("10.00", "GBP"));
 * lab.budgets();                     // spend per member, a table in a notebook
 * subs.get(0).freeze();              // no new jobs; running ones settle
 * subs.get(0).close();               // the remainder returns to lab, exactly
 * }</pre>
 *
 * <p>Every read asks the service afresh. Transfers and holds carry an idempotency key, so
 * the SDK retries them safely after a timeout: the money moves once.
 */
public final class Account {
  private final Transport accounting;
  private final String id;
  private final String name;

  private Account(Transport accounting, String id, String name) {
    this.accounting = accounting;
    this.id = id;
    this.name = name;
  }

  /** Opens a new account; limits default to no overdraft and no daily cap. */
  public static Account create(User user, String name) {
    return create(user, name, null, null);
  }

  /** Opens a new account with an overdraft limit and a daily cap (either may be null). */
  public static Account create(User user, String name, Money overdraftLimit, Money dailyCap) {
    Objects.requireNonNull(name, "name == null");
    Transport accounting = user.signedTransport("accounting");
    AccountView view = accounting.post("/accounts", new CreateAccount(name, overdraftLimit, dailyCap),
        AccountView.class, Safety.UNSAFE);
    return new Account(accounting, view.id(), view.name());
  }

  /** The user's account called {@code name}. */
  public static Account open(User user, String name) {
    return list(user).stream().filter(a -> a.name.equals(name)).findFirst()
        .orElseThrow(() -> new NotFoundException(404, "not_found", "You have no account named '" + name + "'.", null));
  }

  /** The user's accounts: those they own (sub-accounts they delegated included), then those delegated to them. */
  public static List<Account> list(User user) {
    Transport accounting = user.signedTransport("accounting");
    return accounting.get("/accounts", AccountList.class).accounts().stream()
        .map(view -> new Account(accounting, view.id(), view.name())).toList();
  }

  /**
   * Each of the user's accounts, in {@link #list}'s order, with its status as the service sees
   * it now: one call, where {@code list(user)} and then {@link #status()} on each take one more per account.
   */
  public static List<AccountSummary> statuses(User user) {
    return user.signedTransport("accounting").get("/accounts", AccountList.class).accounts().stream()
        .map(AccountSummary::from).toList();
  }

  public String id() {
    return id;
  }

  public String name() {
    return name;
  }

  /** Balance, available money, limits, today's spending and active holds, as the service sees them now. */
  public AccountSummary status() {
    return AccountSummary.from(accounting.get("/accounts/" + id, AccountView.class));
  }

  public Money balance() {
    return status().balance();
  }

  /** Sets the overdraft limit (zero for none) and the daily cap (null for none). */
  public Account setLimits(Money overdraftLimit, Money dailyCap) {
    accounting.put("/accounts/" + id + "/limits", new SetLimits(overdraftLimit, dailyCap), AccountView.class,
        Safety.SAFE);
    return this;
  }

  /**
   * Moves {@code amount} to another account, once.
   *
   * @throws InsufficientFundsException if the balance, overdraft limit or daily cap does not allow it
   */
  public Receipt transferTo(Account to, Money amount, String description) {
    return transferTo(to.id, amount, description);
  }

  /** Moves {@code amount} to the account with id {@code toAccountId}, once. */
  public Receipt transferTo(String toAccountId, Money amount, String description) {
    Transfer transfer = new Transfer(id, toAccountId, amount, UUID.randomUUID().toString(), description);
    return Receipt.from(accounting.post("/transfers", transfer, AccountingWire.SignedReceipt.class, Safety.SAFE));
  }

  /**
   * Reserves {@code amount} until captured, released or expired: how a job's price is
   * guaranteed before it runs.
   */
  public Hold hold(Money amount, Duration expiresIn, String description) {
    CreateHold request = new CreateHold(id, amount, expiresIn.toSeconds(), UUID.randomUUID().toString(), description);
    return new Hold(accounting, accounting.post("/holds", request, HoldResult.class, Safety.SAFE));
  }

  /** Every line of the account's append-only journal, oldest first, each chained to the one before by hash. */
  public List<StatementLine> statement() {
    return accounting.get("/accounts/" + id + "/statement", Statement.class).lines().stream().map(StatementLine::from)
        .toList();
  }

  /**
   * Gives each member a sub-account of this account, funded from it with {@code budget}
   * (their total budget) and capped at {@code dailyCap} a day (null for no cap). All are
   * opened or none; repeating the call with the same figures returns the same sub-accounts.
   *
   * @throws InsufficientFundsException if this account cannot fund every budget
   * @throws ConflictException if a member already has an open sub-account of it with other figures
   */
  public List<Account> delegate(List<String> members, Money budget, Money dailyCap) {
    Objects.requireNonNull(members, "members == null");
    Objects.requireNonNull(budget, "budget == null");
    AccountingWire.BudgetSummary created = accounting.post("/accounts/" + id + "/delegations", new Delegate(members,
        budget, dailyCap), AccountingWire.BudgetSummary.class, Safety.SAFE);
    return created.members().stream().map(m -> new Account(accounting, m.account(), m.name())).toList();
  }

  /** {@link #delegate(List, Money, Money)} for one member. */
  public Account delegate(String member, Money budget, Money dailyCap) {
    return delegate(List.of(member), budget, dailyCap).get(0);
  }

  /** For the owner: each member's sub-account of this account with its budget, spending and status, oldest first. */
  public BudgetSummary budgets() {
    return BudgetSummary.from(accounting.get("/accounts/" + id + "/delegations", AccountingWire.BudgetSummary.class));
  }

  /**
   * For the owner of this sub-account: sets its total budget and daily cap (null for none).
   * Raising the budget moves the difference from the parent; lowering it moves it back, as
   * far as it is neither spent nor held.
   */
  public MemberBudget setBudget(Money budget, Money dailyCap) {
    Objects.requireNonNull(budget, "budget == null");
    return MemberBudget.from(accounting.put("/accounts/" + id + "/delegation", new SetBudget(budget, dailyCap),
        AccountingWire.MemberBudget.class, Safety.SAFE));
  }

  /** For the owner of this sub-account: stops new holds and payments from it; running jobs still settle. */
  public MemberBudget freeze() {
    return MemberBudget.from(accounting.post("/accounts/" + id + "/freeze", java.util.Map.of(),
        AccountingWire.MemberBudget.class, Safety.SAFE));
  }

  /** For the owner of this sub-account: lets its member spend again. */
  public MemberBudget unfreeze() {
    return MemberBudget.from(accounting.post("/accounts/" + id + "/unfreeze", java.util.Map.of(),
        AccountingWire.MemberBudget.class, Safety.SAFE));
  }

  /**
   * For the owner of this sub-account: returns its whole remainder to the parent in one
   * ledger transfer and closes it for good. Refused (409) while jobs or holds run on it:
   * {@link #freeze()} it, then close it once they settle.
   */
  public ClosedBudget close() {
    return ClosedBudget.from(accounting.post("/accounts/" + id + "/close", java.util.Map.of(),
        AccountingWire.ClosedBudget.class, Safety.SAFE));
  }

  @Override
  public String toString() {
    return "Account[" + name + " " + id + "]";
  }

  /** Money reserved on an account: capture up to its amount once, or release it. */
  public static final class Hold {
    private final Transport accounting;
    private final HoldResult placed;

    Hold(Transport accounting, HoldResult placed) {
      this.accounting = accounting;
      this.placed = placed;
    }

    public String id() {
      return placed.id();
    }

    public Money amount() {
      return placed.amount();
    }

    public java.time.Instant expiresAt() {
      return placed.expiresAt();
    }

    /** {@code active}, {@code captured}, {@code voided} or {@code expired}, as the service sees it now. */
    public String status() {
      return accounting.get("/holds/" + placed.id(), HoldResult.class).status();
    }

    /** Takes {@code amount} (at most the hold) and releases the rest; repeating it changes nothing. */
    public Receipt capture(Money amount) {
      return Receipt.from(accounting.post("/holds/" + placed.id() + "/capture",
          new AccountingWire.Capture(amount, null), AccountingWire.SignedReceipt.class, Safety.SAFE));
    }

    /** Releases the whole hold. */
    public void release() {
      accounting.send("POST", "/holds/" + placed.id() + "/void", java.util.Map.of(), Safety.UNSAFE);
    }

    @Override
    public String toString() {
      return "Hold[" + placed.id() + " " + placed.amount() + " until " + placed.expiresAt() + "]";
    }
  }
}
