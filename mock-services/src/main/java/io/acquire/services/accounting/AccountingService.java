package io.acquire.services.accounting;

import io.acquire.client.Money;
import io.acquire.client.wire.AccountingWire.AccountList;
import io.acquire.client.wire.AccountingWire.AccountView;
import io.acquire.client.wire.AccountingWire.Capture;
import io.acquire.client.wire.AccountingWire.CreateAccount;
import io.acquire.client.wire.AccountingWire.CreateHold;
import io.acquire.client.wire.AccountingWire.HoldResult;
import io.acquire.client.wire.AccountingWire.HoldView;
import io.acquire.client.wire.AccountingWire.Receipt;
import io.acquire.client.wire.AccountingWire.SetLimits;
import io.acquire.client.wire.AccountingWire.SignedReceipt;
import io.acquire.client.wire.AccountingWire.Statement;
import io.acquire.client.wire.AccountingWire.StatementLine;
import io.acquire.client.wire.AccountingWire.Transfer;
import io.acquire.client.wire.Base64Url;
import io.acquire.client.wire.Json;
import io.acquire.client.wire.SigningKey;
import io.acquire.services.Service;
import io.acquire.services.ServiceContext;
import io.acquire.services.accounting.Records.AccountMeta;
import io.acquire.services.accounting.Records.AccountState;
import io.acquire.services.accounting.Records.HoldRecord;
import io.acquire.services.accounting.Records.TransferRecord;
import io.acquire.services.http.ApiException;
import io.acquire.services.http.Bodies;
import io.acquire.services.http.Caller;
import io.acquire.services.http.Routes;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Accounting at {@code /t/accounting}: accounts with overdraft limits and daily caps,
 * idempotent transfers, two-phase holds, append-only statements and signed receipts.
 * See docs/accounts.md for the rules and {@link Ledger} for why they hold under concurrency.
 */
public final class AccountingService implements Service {
  private static final Duration MAX_HOLD = Duration.ofDays(7);
  /** The currency of all accounts unless the operator sets {@code accounting.currency}. */
  public static final String DEFAULT_CURRENCY = "GBP";

  private final Ledger ledger;
  private final LocalBilling billing;
  private final DelegationCalls delegations;
  private final Clock clock;
  /** Read at each use: the key changes when the service's key is rotated. */
  private final java.util.function.Supplier<SigningKey> signingKey;

  public AccountingService(ServiceContext context) {
    this.clock = context.clock();
    this.signingKey = context::signingKey;
    this.ledger = Ledger.of(context);
    this.billing = new LocalBilling(context);
    this.delegations = new DelegationCalls(ledger, clock);
  }

  @Override
  public void mount(Routes routes) {
    // Every endpoint is a person's: a job's credential (scope drive:...) carries its owner's
    // name but must not see, spend or release the owner's money. Changes leave their nonce
    // to the ledger, which records it in the same write as the change.
    routes.post("/accounts", routes.forPeopleClaimingOwnNonce(this::createAccount))
        .get("/accounts", routes.forPeople((ctx, caller) -> ctx.json(new AccountList(
            ledger.accountsVisibleTo(caller.username()).stream().map(this::view).toList()))))
        .get("/accounts/{id}", routes.forPeople((ctx, caller) ->
            ctx.json(view(ledger.visible(ctx.pathParam("id"), caller.username())))))
        .put("/accounts/{id}/limits", routes.forPeopleClaimingOwnNonce(this::setLimits))
        .get("/accounts/{id}/statement", routes.forPeople(this::statement))
        .post("/transfers", routes.forPeopleClaimingOwnNonce(this::transfer))
        .post("/holds", routes.forPeopleClaimingOwnNonce(this::hold))
        .get("/holds/{id}", routes.forPeople((ctx, caller) -> ctx.json(holdResult(ownedHold(ctx, caller)))))
        .post("/holds/{id}/capture", routes.forPeopleClaimingOwnNonce(this::capture))
        .post("/holds/{id}/void", routes.forPeopleClaimingOwnNonce((ctx, caller) ->
            ctx.json(holdResult(ledger.voidHold(caller, ctx.pathParam("id"))))));
    BillingCalls.mount(routes, billing, ledger);
    delegations.mount(routes);
  }

  private void createAccount(Context ctx, Caller caller) {
    CreateAccount request = Bodies.json(ctx, CreateAccount.class);
    String name = Bodies.required("name", request.name(), 64);
    long overdraft = nonNegative("overdraftLimit", request.overdraftLimit());
    Long cap = request.dailyCap() == null ? null : nonNegative("dailyCap", request.dailyCap());
    AccountMeta meta = ledger.createAccount(caller, name, overdraft, cap);
    ctx.status(201).json(view(ledger.owned(meta.id(), caller.username())));
  }

  private void setLimits(Context ctx, Caller caller) {
    SetLimits request = Bodies.json(ctx, SetLimits.class);
    long overdraft = nonNegative("overdraftLimit", request.overdraftLimit());
    Long cap = request.dailyCap() == null ? null : nonNegative("dailyCap", request.dailyCap());
    AccountMeta meta = ledger.setLimits(caller, ctx.pathParam("id"), overdraft, cap);
    ctx.json(view(ledger.owned(meta.id(), caller.username())));
  }

  private void statement(Context ctx, Caller caller) {
    AccountState account = ledger.visible(ctx.pathParam("id"), caller.username());
    List<StatementLine> lines = ledger.journal(account.meta().id()).stream().map(e -> new StatementLine(e.seq(),
        e.at(), e.kind(), money(e.amountMinor()), money(e.balanceMinor()), e.reference(), e.counterparty(),
        e.description(), e.previousHash(), e.hash(), e.kind().equals("hold") && e.holds().containsKey(e.reference())
            ? money(e.holds().get(e.reference()).amountMinor()) : null)).toList();
    ctx.json(new Statement(account.meta().id(), lines));
  }

  private void transfer(Context ctx, Caller caller) {
    Transfer request = Bodies.json(ctx, Transfer.class);
    String key = Bodies.required("idempotencyKey", request.idempotencyKey(), 128);
    String from = Bodies.required("from", request.from(), 64);
    String to = Bodies.required("to", request.to(), 64);
    if (from.equals(to)) {
      throw ApiException.badRequest("A transfer needs two different accounts.");
    }
    long amount = positive("amount", request.amount());
    String description = request.description() == null ? "" : Bodies.required("description", request.description(), 200);
    answer(ctx, ledger.transfer(caller, key, from, to, amount, description));
  }

  private void hold(Context ctx, Caller caller) {
    CreateHold request = Bodies.json(ctx, CreateHold.class);
    String key = Bodies.required("idempotencyKey", request.idempotencyKey(), 128);
    String account = Bodies.required("account", request.account(), 64);
    long amount = positive("amount", request.amount());
    if (request.expiresInSeconds() <= 0 || request.expiresInSeconds() > MAX_HOLD.toSeconds()) {
      throw ApiException.badRequest("Field 'expiresInSeconds' must be between 1 and " + MAX_HOLD.toSeconds() + ".");
    }
    String description = request.description() == null ? "hold" : Bodies.required("description", request.description(), 200);
    HoldRecord hold = ledger.hold(caller, key, account, amount, clock.instant().plusSeconds(request.expiresInSeconds()),
        description);
    ctx.status(201).json(holdResult(hold));
  }

  private void capture(Context ctx, Caller caller) {
    Capture request = Bodies.json(ctx, Capture.class);
    long amount = positiveOrZero("amount", request.amount());
    if (amount == 0) {
      throw ApiException.badRequest("Field 'amount' must be more than zero; to release the whole hold, void it "
          + "(POST /holds/{id}/void).");
    }
    String to = request.to() == null ? Ledger.REVENUE : Bodies.required("to", request.to(), 64);
    answer(ctx, ledger.capture(caller, ctx.pathParam("id"), amount, to));
  }

  private HoldRecord ownedHold(Context ctx, Caller caller) {
    String id = ctx.pathParam("id");
    return ledger.visibleHold(id, caller.username())
        .orElseThrow(() -> ApiException.notFound("You have no hold " + id + "."));
  }

  private void answer(Context ctx, TransferRecord t) {
    Receipt receipt = new Receipt(t.id(), t.from(), t.to(), money(t.amountMinor()), t.at(), t.debitSeq(), t.creditSeq());
    ctx.json(new SignedReceipt(receipt, Base64Url.encode(signingKey.get().sign(Json.write(receipt)))));
  }

  private HoldResult holdResult(HoldRecord hold) {
    return new HoldResult(hold.id(), hold.account(), money(hold.amountMinor()), hold.expiresAt(),
        hold.status(clock.instant()));
  }

  AccountView view(AccountState account) {
    AccountMeta meta = account.meta();
    Entry latest = account.latest();
    Instant now = clock.instant();
    long held = latest.heldMinor(now);
    List<HoldView> holds = latest.holds().entrySet().stream().filter(e -> e.getValue().expiresAt().isAfter(now))
        .map(e -> new HoldView(e.getKey(), money(e.getValue().amountMinor()), e.getValue().expiresAt())).toList();
    return new AccountView(meta.id(), meta.name(), meta.owner(), money(latest.balanceMinor()),
        money(latest.balanceMinor() - held + meta.overdraftMinor()), money(meta.overdraftMinor()),
        meta.dailyCapMinor() == null ? null : money(meta.dailyCapMinor()), money(latest.spentOn(now)), holds,
        latest.seq() + 1, delegations.delegated(account));
  }

  private Money money(long minor) {
    return Money.ofMinorUnits(minor, ledger.currency());
  }

  private long positive(String field, Money amount) {
    long minor = positiveOrZero(field, amount);
    if (minor == 0) {
      throw ApiException.badRequest("Field '" + field + "' must be more than zero.");
    }
    return minor;
  }

  private long positiveOrZero(String field, Money amount) {
    return positiveOrZero(field, amount, ledger.currency());
  }

  /** A request's amount in minor units: present, in the ledger's currency and not negative, or a 400 saying which. */
  static long positiveOrZero(String field, Money amount, String currency) {
    if (amount == null) {
      throw ApiException.badRequest("Field '" + field + "' is required, such as {\"amount\": \"12.50\", \"currency\": \""
          + currency + "\"}.");
    }
    if (!amount.currency().equals(currency)) {
      throw ApiException.badRequest("Field '" + field + "' is in " + amount.currency() + "; accounts here are in "
          + currency + ".");
    }
    if (amount.isNegative()) {
      throw ApiException.badRequest("Field '" + field + "' must not be negative.");
    }
    return amount.minorUnits();
  }

  private long nonNegative(String field, Money amount) {
    return amount == null ? 0 : positiveOrZero(field, amount);
  }
}
