package io.acquire.client;

import io.acquire.client.internal.Transport;
import io.acquire.client.internal.Transport.Safety;
import io.acquire.client.wire.AccountingWire.AccountList;
import io.acquire.client.wire.AccountingWire.AccountView;
import io.acquire.client.wire.AccountingWire.CreateAccount;
import io.acquire.client.wire.AccountingWire.CreateHold;
import io.acquire.client.wire.AccountingWire.HoldResult;
import io.acquire.client.wire.AccountingWire.SetLimits;
import io.acquire.client.wire.AccountingWire.SignedReceipt;
import io.acquire.client.wire.AccountingWire.Statement;
import io.acquire.client.wire.AccountingWire.StatementLine;
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

  public static List<Account> list(User user) {
    Transport accounting = user.signedTransport("accounting");
    return accounting.get("/accounts", AccountList.class).accounts().stream()
        .map(view -> new Account(accounting, view.id(), view.name())).toList();
  }

  public String id() {
    return id;
  }

  public String name() {
    return name;
  }

  /** Balance, available money, limits, today's spending and active holds, as the service sees them now. */
  public AccountView status() {
    return accounting.get("/accounts/" + id, AccountView.class);
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
  public SignedReceipt transferTo(Account to, Money amount, String description) {
    return transferTo(to.id, amount, description);
  }

  /** Moves {@code amount} to the account with id {@code toAccountId}, once. */
  public SignedReceipt transferTo(String toAccountId, Money amount, String description) {
    Transfer transfer = new Transfer(id, toAccountId, amount, UUID.randomUUID().toString(), description);
    return accounting.post("/transfers", transfer, SignedReceipt.class, Safety.SAFE);
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
    return accounting.get("/accounts/" + id + "/statement", Statement.class).lines();
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
    public SignedReceipt capture(Money amount) {
      return accounting.post("/holds/" + placed.id() + "/capture",
          new io.acquire.client.wire.AccountingWire.Capture(amount, null), SignedReceipt.class, Safety.SAFE);
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
