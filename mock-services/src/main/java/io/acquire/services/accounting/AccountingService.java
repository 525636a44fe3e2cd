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
import io.acquire.services.accounting.Records.Hold;
import io.acquire.services.http.ApiException;
import io.acquire.services.http.Bodies;
import io.acquire.services.http.Caller;
import io.acquire.services.http.Routes;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accounting at {@code /t/accounting}: accounts with overdraft limits and daily caps,
 * idempotent transfers, two-phase holds, append-only statements and signed receipts.
 * See docs/accounts.md for the rules and {@link Ledger} for why they hold under concurrency.
 */
public final class AccountingService implements Service {
  private static final Logger log = LoggerFactory.getLogger(AccountingService.class);
  private static final Duration MAX_HOLD = Duration.ofDays(7);
  /** The currency of all accounts unless the operator sets {@code accounting.currency}. */
  public static final String DEFAULT_CURRENCY = "GBP";

  private final Ledger ledger;
  private final Clock clock;
  private final SigningKey signingKey;
  private final Money demoCredit;
  private final ScheduledExecutorService recovery;

  public AccountingService(ServiceContext context) {
    this.clock = context.clock();
    this.signingKey = context.signingKey();
    String currency = context.option("currency", DEFAULT_CURRENCY);
    this.ledger = new Ledger(context.objects(), clock, currency);
    this.demoCredit = Money.of(context.option("demo-credit", "100.00"), currency);
    this.recovery = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "accounting-recovery");
      thread.setDaemon(true);
      return thread;
    });
    int finished = ledger.recover();
    if (finished > 0) {
      log.info("Finished {} transfers left half done by an earlier process", finished);
    }
    recovery.scheduleWithFixedDelay(this::recoverQuietly, 30, 30, TimeUnit.SECONDS);
  }

  private void recoverQuietly() {
    try {
      ledger.recover();
    } catch (RuntimeException e) {
      log.warn("Transfer recovery failed; it will run again", e);
    }
  }

  @Override
  public void close() {
    recovery.shutdownNow();
  }

  @Override
  public void mount(Routes routes) {
    // Every endpoint is a person's: a job's credential (scope drive:...) carries its owner's
    // name but must not see, spend or release the owner's money.
    routes.post("/accounts", routes.forPeople(this::createAccount))
        .get("/accounts", routes.forPeople((ctx, caller) -> ctx.json(new AccountList(
            ledger.accountsOf(caller.username()).stream().map(this::view).toList()))))
        .get("/accounts/{id}", routes.forPeople((ctx, caller) ->
            ctx.json(view(ledger.owned(ctx.pathParam("id"), caller.username())))))
        .put("/accounts/{id}/limits", routes.forPeople(this::setLimits))
        .get("/accounts/{id}/statement", routes.forPeople(this::statement))
        .post("/transfers", routes.forPeople(this::transfer))
        .post("/holds", routes.forPeople(this::hold))
        .get("/holds/{id}", routes.forPeople((ctx, caller) -> ctx.json(holdResult(ownedHold(ctx, caller)))))
        .post("/holds/{id}/capture", routes.forPeople(this::capture))
        .post("/holds/{id}/void", routes.forPeople((ctx, caller) -> {
          Hold hold = ownedHold(ctx, caller);
          ledger.voidHold(hold);
          ctx.json(holdResult(hold));
        }));
  }


  private void createAccount(Context ctx, Caller caller) {
    CreateAccount request = Bodies.json(ctx, CreateAccount.class);
    String name = Bodies.required("name", request.name(), 64);
    long overdraft = nonNegative("overdraftLimit", request.overdraftLimit());
    Long cap = request.dailyCap() == null ? null : nonNegative("dailyCap", request.dailyCap());
    boolean first = ledger.accountsOf(caller.username()).isEmpty();
    AccountMeta meta = ledger.createAccount(caller.username(), name, overdraft, cap);
    if (first && demoCredit.isPositive()) {
      // Demo credit from the operator's funding account, once per user whatever races.
      ledger.transfer(Ledger.SYSTEM, "demo-credit:" + caller.username(), ledger.meta(Ledger.FUNDING).orElseThrow(),
          meta, demoCredit.minorUnits(), null, "demo credit");
    }
    ctx.status(201).json(view(meta));
  }

  private void setLimits(Context ctx, Caller caller) {
    AccountMeta meta = ledger.owned(ctx.pathParam("id"), caller.username());
    SetLimits request = Bodies.json(ctx, SetLimits.class);
    long overdraft = nonNegative("overdraftLimit", request.overdraftLimit());
    Long cap = request.dailyCap() == null ? null : nonNegative("dailyCap", request.dailyCap());
    ctx.json(view(ledger.setLimits(meta, overdraft, cap)));
  }

  private void statement(Context ctx, Caller caller) {
    AccountMeta meta = ledger.owned(ctx.pathParam("id"), caller.username());
    List<StatementLine> lines = ledger.journal(meta.id()).stream().map(e -> new StatementLine(e.seq(), e.at(),
        e.kind(), money(e.amountMinor()), money(e.balanceMinor()), e.reference(), e.counterparty(), e.description(),
        e.previousHash(), e.hash())).toList();
    ctx.json(new Statement(meta.id(), lines));
  }

  private void transfer(Context ctx, Caller caller) {
    Transfer request = Bodies.json(ctx, Transfer.class);
    String key = Bodies.required("idempotencyKey", request.idempotencyKey(), 128);
    AccountMeta from = ledger.owned(Bodies.required("from", request.from(), 64), caller.username());
    AccountMeta to = ledger.meta(Bodies.required("to", request.to(), 64))
        .orElseThrow(() -> ApiException.notFound("No account " + request.to() + "."));
    if (from.id().equals(to.id())) {
      throw ApiException.badRequest("A transfer needs two different accounts.");
    }
    long amount = positive("amount", request.amount());
    String description = request.description() == null ? "" : Bodies.required("description", request.description(), 200);
    Records.Transfer t = ledger.transfer(caller.username(), key, from, to, amount, null, description);
    answer(ctx, t);
  }

  private void hold(Context ctx, Caller caller) {
    CreateHold request = Bodies.json(ctx, CreateHold.class);
    String key = Bodies.required("idempotencyKey", request.idempotencyKey(), 128);
    AccountMeta account = ledger.owned(Bodies.required("account", request.account(), 64), caller.username());
    long amount = positive("amount", request.amount());
    if (request.expiresInSeconds() <= 0 || request.expiresInSeconds() > MAX_HOLD.toSeconds()) {
      throw ApiException.badRequest("Field 'expiresInSeconds' must be between 1 and " + MAX_HOLD.toSeconds() + ".");
    }
    String description = request.description() == null ? "hold" : Bodies.required("description", request.description(), 200);
    Hold hold = ledger.hold(caller.username(), key, account, amount,
        clock.instant().plusSeconds(request.expiresInSeconds()), description);
    ctx.status(201).json(holdResult(hold));
  }

  private void capture(Context ctx, Caller caller) {
    Hold hold = ownedHold(ctx, caller);
    Capture request = Bodies.json(ctx, Capture.class);
    long amount = positiveOrZero("amount", request.amount());
    AccountMeta to = request.to() == null ? ledger.meta(Ledger.REVENUE).orElseThrow()
        : ledger.meta(request.to()).orElseThrow(() -> ApiException.notFound("No account " + request.to() + "."));
    if (amount > hold.amountMinor()) {
      throw ApiException.badRequest("Cannot capture " + money(amount) + ": the hold is for " + money(hold.amountMinor()) + ".");
    }
    String status = ledger.holdStatus(hold);
    if (!status.equals("active") && !status.equals("captured")) {
      throw ApiException.conflict("Hold " + hold.id() + " is " + status + "; only an active hold can be captured.");
    }
    if (amount == 0) {
      ledger.voidHold(hold);
      ctx.json(holdResult(hold));
      return;
    }
    answer(ctx, ledger.capture(hold, amount, to));
  }

  private Hold ownedHold(Context ctx, Caller caller) {
    Hold hold = ledger.holdRecord(ctx.pathParam("id"))
        .orElseThrow(() -> ApiException.notFound("You have no hold " + ctx.pathParam("id") + "."));
    ledger.owned(hold.account(), caller.username());
    return hold;
  }

  private void answer(Context ctx, Records.Transfer t) {
    if (t.status().equals("failed")) {
      throw new ApiException(402, "insufficient_funds", t.reason());
    }
    if (!t.status().equals("completed")) {
      throw new ApiException(503, "in_progress", "Transfer " + t.id() + " is still in progress; repeat the request "
          + "with the same idempotency key to see it finish.");
    }
    Receipt receipt = new Receipt(t.id(), t.from(), t.to(), money(t.amountMinor()), t.createdAt(),
        t.debitSeq(), t.creditSeq());
    ctx.json(new SignedReceipt(receipt, Base64Url.encode(signingKey.sign(Json.write(receipt)))));
  }

  private HoldResult holdResult(Hold hold) {
    return new HoldResult(hold.id(), hold.account(), money(hold.amountMinor()), hold.expiresAt(), ledger.holdStatus(hold));
  }

  AccountView view(AccountMeta meta) {
    Entry latest = ledger.latest(meta.id());
    Instant now = clock.instant();
    long held = latest.heldMinor(now);
    List<HoldView> holds = latest.holds().entrySet().stream().filter(e -> e.getValue().expiresAt().isAfter(now))
        .map(e -> new HoldView(e.getKey(), money(e.getValue().amountMinor()), e.getValue().expiresAt())).toList();
    return new AccountView(meta.id(), meta.name(), meta.owner(), money(latest.balanceMinor()),
        money(latest.balanceMinor() - held + meta.overdraftMinor()), money(meta.overdraftMinor()),
        meta.dailyCapMinor() == null ? null : money(meta.dailyCapMinor()), money(latest.spentOn(now)), holds,
        latest.seq() + 1);
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
    if (amount == null) {
      throw ApiException.badRequest("Field '" + field + "' is required, such as {\"amount\": \"12.50\", \"currency\": \""
          + ledger.currency() + "\"}.");
    }
    if (!amount.currency().equals(ledger.currency())) {
      throw ApiException.badRequest("Field '" + field + "' is in " + amount.currency() + "; accounts here are in "
          + ledger.currency() + ".");
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
