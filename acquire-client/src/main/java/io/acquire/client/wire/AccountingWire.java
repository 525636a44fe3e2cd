package io.acquire.client.wire;

import io.acquire.client.Money;
import java.time.Instant;
import java.util.List;

/** Request and response bodies of the accounting service ({@code /t/accounting}); see docs/protocol.md. */
public final class AccountingWire {
  private AccountingWire() {}

  /** {@code POST /accounts}: a new account; limits default to none (no overdraft, no daily cap). */
  public record CreateAccount(String name, Money overdraftLimit, Money dailyCap) {}

  /** {@code PUT /accounts/{id}/limits}. A null daily cap removes the cap. */
  public record SetLimits(Money overdraftLimit, Money dailyCap) {}

  /** An active hold on an account. */
  public record HoldView(String id, Money amount, Instant expiresAt) {}

  /**
   * An account as its owner sees it.
   *
   * @param available what can still be spent: balance − active holds + overdraft room
   * @param spentToday transfers out and captures this UTC day
   */
  public record AccountView(String id, String name, String owner, Money balance, Money available,
      Money overdraftLimit, Money dailyCap, Money spentToday, List<HoldView> holds, long journalLength,
      Delegated delegation) {

    /** An ordinary account: no delegation. */
    public AccountView(String id, String name, String owner, Money balance, Money available, Money overdraftLimit,
        Money dailyCap, Money spentToday, List<HoldView> holds, long journalLength) {
      this(id, name, owner, balance, available, overdraftLimit, dailyCap, spentToday, holds, journalLength, null);
    }
  }

  /**
   * What makes an account a sub-account (null on ordinary accounts).
   *
   * @param parent the account that funds it
   * @param member who spends it
   * @param status {@code open}, {@code frozen} (no new holds; running ones settle) or {@code closed}
   * @param budget what the parent has put in, net of what went back
   * @param spent budget − balance: what the member has spent, net of refunds
   */
  public record Delegated(String parent, String member, String status, Money budget, Money spent) {}

  /** {@code POST /accounts/{id}/delegations}: a sub-account for each member, each funded with {@code budget}. */
  public record Delegate(List<String> members, Money budget, Money dailyCap) {}

  /** {@code PUT /accounts/{id}/delegation}: a sub-account's total budget and daily cap (null: none). */
  public record SetBudget(Money budget, Money dailyCap) {}

  /**
   * One member's sub-account as its owner sees it.
   *
   * @param spent budget − balance: spent so far, net of refunds
   * @param held reserved by running jobs and holds
   * @param available what the member can still spend: balance − held
   */
  public record MemberBudget(String account, String name, String member, String status, Money budget, Money spent,
      Money spentToday, Money held, Money available, Money dailyCap) {}

  /** {@code GET /accounts/{id}/delegations}: spend per member of an account's sub-accounts, oldest first. */
  public record BudgetSummary(String parent, String parentName, List<MemberBudget> members) {}

  /** {@code POST /accounts/{id}/close}: the closed sub-account and the transfer that returned its remainder (null if none was left). */
  public record ClosedBudget(MemberBudget account, Money returned, String transfer) {}

  public record AccountList(List<AccountView> accounts) {}

  /** {@code POST /transfers}: the same idempotency key twice moves money once. */
  public record Transfer(String from, String to, Money amount, String idempotencyKey, String description) {}

  /** {@code POST /holds}: reserve money until captured, voided or expired. */
  public record CreateHold(String account, Money amount, long expiresInSeconds, String idempotencyKey,
      String description) {}

  /** {@code POST /holds/{id}/capture}: take up to the held amount; the rest is released. */
  public record Capture(Money amount, String to) {}

  /**
   * What the service signed: a transfer or capture that happened.
   *
   * @param id the transfer's id
   * @param debitSeq and {@code creditSeq}: where it stands in each account's journal
   */
  public record Receipt(String id, String from, String to, Money amount, Instant at, long debitSeq, long creditSeq) {}

  /** A receipt and the accounting service's Ed25519 signature over {@code Json.write(receipt)}. */
  public record SignedReceipt(Receipt receipt, String signature) {}

  public record HoldResult(String id, String account, Money amount, Instant expiresAt, String status) {}

  /**
   * One line of an account's append-only journal. {@code hash} chains it to the line before.
   *
   * @param held for a {@code hold} line, the amount it reserved (its {@code amount}, the change
   *     to the balance, is zero); null on other lines
   */
  public record StatementLine(long seq, Instant at, String kind, Money amount, Money balance, String reference,
      String counterparty, String description, String previousHash, String hash, Money held) {}

  public record Statement(String account, List<StatementLine> lines) {}
}
