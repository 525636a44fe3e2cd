package io.acquire.services.accounting;

import io.acquire.client.Money;
import io.acquire.services.accounting.Entry.HoldState;
import io.acquire.services.accounting.Records.AccountMeta;
import io.acquire.services.accounting.Records.AccountState;
import io.acquire.services.accounting.Records.HoldRecord;
import io.acquire.services.accounting.Records.Line;
import io.acquire.services.accounting.Records.TransferRecord;
import io.acquire.services.ServiceContext;
import io.acquire.services.http.ApiException;
import io.acquire.services.http.Caller;
import io.acquire.services.store.ObjectStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.function.Function;

/**
 * Double-entry accounts, correct with any number of processes sharing the store and after
 * a crash at any point: the rules (ownership, overdraft, daily cap, idempotency, holds)
 * decided over the state of one log of batches ({@link LedgerLog}).
 *
 * <p>A batch holds every change of the requests in it, each as the new state of what it
 * changed: both lines of a transfer, the hold a capture takes, a new account and its demo
 * credit, the request's nonce. So each request is all or nothing. Each account's journal
 * lines stay in the log, each pointing at the batch of the line before, and chain by hash.
 */
final class Ledger implements AutoCloseable {
  /** Owner of the operator's accounts; not a valid username, so no person can be it. */
  static final String SYSTEM = "@acquire";
  static final String FUNDING = "acct_funding";
  static final String REVENUE = "acct_revenue";
  /** Who placed a job's hold: only compute settles it, or its owner could capture it into their own account. */
  static final String COMPUTE = "@compute";
  /** Who placed a storage payment's hold and who refunds storage: only storage settles it. */
  static final String STORAGE = "@storage";
  private static final long UNLIMITED = 1_000_000_000_000_000L;
  /** The store's log that holds the ledger's batches. */
  static final String LOG = "accounting-ledger";
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * @param demoCreditMinor given to each user's first account, from {@link #FUNDING}; 0 for none
   * @param checkpointEvery batches between checkpoints of the state
   * @param nonceWindow the signature window, for how long recorded nonces matter
   * @param overdraftGrantMinor the most overdraft a person may give their own account ({@code
   *     accounting.overdraft-grant}): credit only the operator can create
   */
  record Settings(String currency, long demoCreditMinor, int checkpointEvery, Duration nonceWindow,
      long overdraftGrantMinor) {
    /** No overdraft granted. */
    Settings(String currency, long demoCreditMinor, int checkpointEvery, Duration nonceWindow) {
      this(currency, demoCreditMinor, checkpointEvery, nonceWindow, 0);
    }
  }

  /** The most any amount the ledger shows may be, either way: every balance, limit and day's spending fits {@link Money}. */
  static final long SHOWABLE = Money.MAX_MINOR_UNITS;

  private final LedgerLog log;
  private final Settings settings;

  /**
   * This server's ledger, shared by accounting and compute, with the operator's options
   * {@code accounting.currency}, {@code accounting.demo-credit} and
   * {@code accounting.checkpoint-every}.
   */
  static Ledger of(ServiceContext context) {
    return context.shared(Ledger.class, () -> {
      String currency = context.optionOf("accounting", "currency", AccountingService.DEFAULT_CURRENCY);
      Money demoCredit = Money.of(context.optionOf("accounting", "demo-credit", "100.00"), currency);
      Money grant = Money.of(context.optionOf("accounting", "overdraft-grant", "0.00"), currency);
      if (grant.isNegative()) {
        throw new IllegalArgumentException("Option accounting.overdraft-grant must not be negative");
      }
      String every = context.optionOf("accounting", "checkpoint-every", "10000");
      int checkpointEvery;
      try {
        checkpointEvery = Integer.parseInt(every);
      } catch (NumberFormatException e) {
        checkpointEvery = -1;
      }
      if (checkpointEvery < 1) {
        throw new IllegalArgumentException("Option accounting.checkpoint-every must be a whole number of batches "
            + "above 0, not '" + every + "'");
      }
      return new Ledger(context.store(), context.clock(), new Settings(currency, demoCredit.minorUnits(),
          checkpointEvery, context.signatureWindow(), grant.minorUnits()));
    });
  }

  Ledger(ObjectStore store, Clock clock, Settings settings) {
    if (store.log(LOG).read(0).isEmpty() && !store.list("accounting/accounts/").isEmpty()) {
      throw new IllegalStateException("This store holds accounts in an earlier pre-release's format "
          + "(accounting/accounts and accounting/journals), which this version cannot read: it keeps the ledger "
          + "as one log (logs/" + LOG + "). Start with a new data directory, or run the version that wrote it.");
    }
    this.settings = settings;
    this.log = new LedgerLog(store, LOG, clock, settings.nonceWindow(), settings.checkpointEvery(), this::genesis);
  }

  /** Batch 0 opens the operator's funding and revenue accounts. */
  private void genesis(Draft draft) {
    for (String[] system : new String[][] {{FUNDING, "Funding (deposits come from here)"},
        {REVENUE, "Revenue (captured holds go here)"}}) {
      draft.putAccount(new AccountMeta(system[0], SYSTEM, system[1], settings.currency(), UNLIMITED, null, draft.at(),
          null));
      draft.putLine(system[0], Entry.open(draft.at()));
    }
  }

  String currency() {
    return settings.currency();
  }

  @Override
  public void close() {
    log.close();
  }

  // Reads ------------------------------------------------------------------------------

  <T> T read(Function<LedgerState, T> read) {
    return log.read(read);
  }

  /** Decides {@code decide} in the next batch (see {@link LedgerLog#submit}). */
  <T> T submit(Caller caller, Function<Draft, LedgerLog.Decision<T>> decide) {
    return log.submit(caller, decide);
  }

  Optional<AccountState> account(String id) {
    return read(s -> Optional.ofNullable(s.account(id)));
  }

  /**
   * The account if {@code user} owns it; a 404 otherwise, so others cannot learn it exists.
   * The ledger's own name grants nothing here, since a person may register it.
   */
  AccountState owned(String id, String user) {
    return account(id).filter(a -> isOwner(a.meta(), user))
        .orElseThrow(() -> ApiException.notFound("You have no account " + id + "."));
  }

  private static boolean isOwner(AccountMeta meta, String user) {
    return meta.owner().equals(user) && !user.equals(SYSTEM);
  }

  /** The account if {@code user} owns it or, for a sub-account, is its member; a 404 otherwise. */
  AccountState visible(String id, String user) {
    return account(id).filter(a -> Delegation.visibleTo(a.meta(), user))
        .orElseThrow(() -> ApiException.notFound("You have no account " + id + "."));
  }

  /** The account if {@code user} may spend from it now (see {@link #spendingFrom}); for compute's checks at quote time. */
  AccountState spendable(String id, String user) {
    return read(s -> spendingFrom(id, s.account(id), user));
  }

  /** The accounts {@code user} owns, then those delegated to them. */
  List<AccountState> accountsVisibleTo(String user) {
    return read(s -> java.util.stream.Stream.concat(s.accountIdsOf(user).stream(),
        s.accountIdsDelegatedTo(user).stream()).map(s::account).toList());
  }

  /** Whether {@code user} may see the hold: the owner or member of its account. */
  Optional<HoldRecord> visibleHold(String id, String user) {
    return read(s -> Optional.ofNullable(s.hold(id))
        .filter(h -> Delegation.visibleTo(s.account(h.account()).meta(), user)));
  }

  /** Every account, the operator's included. */
  List<AccountState> allAccounts() {
    return read(LedgerState::allAccounts);
  }

  Optional<HoldRecord> hold(String id) {
    return read(s -> Optional.ofNullable(s.hold(id)));
  }

  Optional<TransferRecord> transfer(String id) {
    return read(s -> Optional.ofNullable(s.transfer(id)));
  }

  /** Every line of an account's journal, oldest first, found by walking back through the log. */
  List<Entry> journal(String accountId) {
    AccountState account = account(accountId).orElseThrow(() -> new IllegalArgumentException("no account " + accountId));
    List<Entry> lines = new ArrayList<>();
    long batchSeq = account.batch();
    long lineSeq = account.latest().seq();
    while (lineSeq >= 0) {
      Line line = null;
      for (Line l : log.batch(batchSeq).lines()) {
        if (l.account().equals(accountId) && l.entry().seq() == lineSeq) {
          line = l;
        }
      }
      if (line == null) {
        throw new IllegalStateException("line " + lineSeq + " of " + accountId + " is not in ledger batch " + batchSeq);
      }
      lines.add(line.entry());
      batchSeq = line.previousBatch();
      lineSeq--;
    }
    Collections.reverse(lines);
    return lines;
  }

  /** Reads the whole log and checks its hash chain; returns how many batches it holds. */
  long verifyLog() {
    return log.verify();
  }

  // Requests ----------------------------------------------------------------------------

  /**
   * Opens an account; the owner's first gets the demo credit in the same batch, so it is
   * given once per user whatever races.
   */
  AccountMeta createAccount(Caller caller, String name, long overdraftMinor, Long dailyCapMinor) {
    String owner = caller.username();
    checkGranted(overdraftMinor, 0);
    return log.submit(caller, d -> {
      if (d.hasAccountNamed(owner, name)) {
        throw ApiException.conflict("You already have an account named '" + name + "'.");
      }
      boolean first = !d.ownsAny(owner);
      AccountMeta meta = new AccountMeta(newId("acct_"), owner, name, settings.currency(), overdraftMinor,
          dailyCapMinor, d.at(), settings.overdraftGrantMinor());
      d.putAccount(meta);
      d.putLine(meta.id(), Entry.open(d.at()));
      if (first && settings.demoCreditMinor() > 0) {
        move(d, SYSTEM, null, d.account(FUNDING).orElseThrow(), d.account(meta.id()).orElseThrow(),
            settings.demoCreditMinor(), null, "demo credit");
      }
      return LedgerLog.changed(meta);
    });
  }

  /** A person may always lower their overdraft, and raise it only as far as the operator's grant. */
  AccountMeta setLimits(Caller caller, String accountId, long overdraftMinor, Long dailyCapMinor) {
    return log.submit(caller, d -> {
      AccountState account = ownedIn(d, accountId, caller.username());
      AccountMeta meta = account.meta();
      Delegations.checkLimits(meta, overdraftMinor);
      checkGranted(overdraftMinor, meta.overdraftMinor());
      AccountMeta updated = meta.withLimits(overdraftMinor, dailyCapMinor, settings.overdraftGrantMinor());
      checkShowable(updated, account.latest());
      d.putAccount(updated);
      return LedgerLog.changed(updated);
    });
  }

  private void checkGranted(long overdraftMinor, long currentMinor) {
    if (overdraftMinor > currentMinor && overdraftMinor > settings.overdraftGrantMinor()) {
      throw ApiException.forbidden("An overdraft limit of " + money(overdraftMinor) + " is more than the operator "
          + "grants (" + money(settings.overdraftGrantMinor()) + "); you may lower an account's overdraft but not "
          + "raise it past the grant. Ask the operator for more.");
    }
  }

  /**
   * Refuses, before anything is written, a line whose figures could not be shown: a balance,
   * a balance plus overdraft (what is available) or a day's spending past {@link #SHOWABLE}.
   */
  private void checkShowable(AccountMeta meta, Entry line) {
    boolean operators = meta.owner().equals(SYSTEM);
    long available = operators ? line.balanceMinor() : line.balanceMinor() + meta.overdraftMinor();
    if (Math.abs(line.balanceMinor()) > SHOWABLE || Math.abs(available) > SHOWABLE || line.spentMinor() > SHOWABLE) {
      throw ApiException.conflict("Account " + meta.id() + " cannot hold that: its balance, its balance plus "
          + "overdraft, and a day's spending must each stay within " + money(SHOWABLE) + ".");
    }
  }

  /** Moves money once per (requester, idempotency key); the record of the first time on repeats. */
  TransferRecord transfer(Caller caller, String idempotencyKey, String fromId, String toId, long amountMinor,
      String description) {
    String requester = caller.username();
    return log.submit(caller, d -> {
      Optional<TransferRecord> earlier = d.transferKeyed(requester, idempotencyKey);
      if (earlier.isPresent()) {
        if (!earlier.get().sameRequest(fromId, toId, amountMinor)) {
          throw ApiException.conflict("Idempotency key '" + idempotencyKey + "' was already used for a different "
              + "transfer; use a new key for a new transfer.");
        }
        return LedgerLog.unchanged(earlier.get());
      }
      AccountState from = spendingFrom(fromId, d.account(fromId).orElse(null), requester);
      AccountState to = d.account(toId).orElseThrow(() -> ApiException.notFound("No account " + toId + "."));
      Instant now = d.at();
      AccountMeta meta = from.meta();
      Entry latest = from.latest();
      long held = latest.heldMinor(now);
      if (latest.balanceMinor() - held - amountMinor < -meta.overdraftMinor()) {
        throw insufficient("Account " + meta.id() + " has " + money(latest.balanceMinor() - held + meta.overdraftMinor())
            + " available (balance " + money(latest.balanceMinor()) + ", held " + money(held) + ", overdraft limit "
            + money(meta.overdraftMinor()) + "); cannot move " + money(amountMinor) + ".");
      }
      if (meta.dailyCapMinor() != null && latest.spentOn(now) + held + amountMinor > meta.dailyCapMinor()) {
        throw insufficient("Account " + meta.id() + " would pass its daily cap of " + money(meta.dailyCapMinor())
            + ": spent today " + money(latest.spentOn(now)) + ", held " + money(held) + ".");
      }
      return LedgerLog.changed(move(d, requester, idempotencyKey, from, to, amountMinor, null, description));
    });
  }

  /** Reserves money until captured, voided or expired; the same key gives the same hold. */
  HoldRecord hold(Caller caller, String idempotencyKey, String accountId, long amountMinor, Instant expiresAt,
      String description) {
    return placeHold(caller, caller.username(), caller.username(), idempotencyKey, accountId, amountMinor, expiresAt,
        description);
  }

  /** @param requester who settles it: the owner, or {@link #COMPUTE} for a job's price */
  private HoldRecord placeHold(Caller caller, String owner, String requester, String idempotencyKey,
      String accountId, long amountMinor, Instant expiresAt, String description) {
    return log.submit(caller, d -> {
      Optional<HoldRecord> earlier = d.holdKeyed(requester, idempotencyKey);
      if (earlier.isPresent()) {
        if (!earlier.get().account().equals(accountId) || earlier.get().amountMinor() != amountMinor) {
          throw ApiException.conflict("Idempotency key '" + idempotencyKey + "' was already used for a different hold.");
        }
        return LedgerLog.unchanged(earlier.get());
      }
      AccountState account = spendingFrom(accountId, d.account(accountId).orElse(null), owner);
      AccountMeta meta = account.meta();
      Entry latest = account.latest();
      Instant now = d.at();
      long held = latest.heldMinor(now);
      if (latest.balanceMinor() - held - amountMinor < -meta.overdraftMinor()) {
        throw insufficient("Account " + meta.id() + " has " + money(latest.balanceMinor() - held
            + meta.overdraftMinor()) + " available; cannot hold " + money(amountMinor) + ".");
      }
      if (meta.dailyCapMinor() != null && latest.spentOn(now) + held + amountMinor > meta.dailyCapMinor()) {
        throw insufficient("Holding " + money(amountMinor) + " would pass the daily cap of "
            + money(meta.dailyCapMinor()) + " (spent today " + money(latest.spentOn(now)) + ", held "
            + money(held) + ").");
      }
      HoldRecord hold = new HoldRecord(newId("hold_"), requester, idempotencyKey, accountId, amountMinor, expiresAt,
          description, now, null, 0, null, null);
      SortedMap<String, HoldState> holds = latest.holdsCopy();
      holds.put(hold.id(), new HoldState(amountMinor, expiresAt));
      d.putLine(accountId, latest.next(now, "hold", 0, 0, hold.id(), null, description, holds));
      d.putHold(hold);
      return LedgerLog.changed(hold);
    });
  }

  /**
   * Takes {@code amountMinor} (more than zero, at most the hold) from a standing hold to
   * {@code toId} and releases the rest. Capturing again for the same amount returns the
   * same transfer.
   */
  TransferRecord capture(Caller caller, String holdId, long amountMinor, String toId) {
    return log.submit(caller, d -> {
      HoldRecord hold = settledByCaller(ownedHold(d, holdId, caller.username()), caller);
      if (HoldRecord.CAPTURED.equals(hold.outcome())) {
        TransferRecord earlier = d.transfer(hold.captureId()).orElseThrow();
        if (earlier.amountMinor() != amountMinor) {
          throw ApiException.conflict("Hold " + hold.id() + " was already captured for " + money(earlier.amountMinor())
              + "; a hold is captured once.");
        }
        return LedgerLog.unchanged(earlier);
      }
      return LedgerLog.changed(captureStanding(d, hold, amountMinor, toId, null));
    });
  }

  /** Releases a standing hold whole. */
  HoldRecord voidHold(Caller caller, String holdId) {
    return log.submit(caller, d -> LedgerLog.changed(voidStanding(d, settledByCaller(ownedHold(d, holdId, caller.username()), caller))));
  }

  /**
   * For compute, in process: holds {@code amountMinor} on the user's account. The same
   * key gives the same hold.
   */
  HoldRecord holdFor(String user, String idempotencyKey, String accountId, long amountMinor, Instant expiresAt,
      String description) {
    return placeHold(null, user, COMPUTE, idempotencyKey, accountId, amountMinor, expiresAt, description);
  }

  /**
   * For compute, in process: charges {@code amountMinor} of a hold to revenue and releases
   * the rest, or voids it for zero. Settling again changes nothing.
   *
   * @return what the hold was settled for: this amount, an earlier capture's, or zero if it
   *     was voided or had expired
   */
  long settle(String holdId, long amountMinor) {
    return settle(holdId, amountMinor, null);
  }

  /**
   * For storage, in process: holds {@code amountMinor} on the user's account for a storage
   * payment, settled by storage alone. The same key gives the same hold.
   */
  HoldRecord storageHold(String user, String idempotencyKey, String accountId, long amountMinor, Instant expiresAt,
      String description) {
    return placeHold(null, user, STORAGE, idempotencyKey, accountId, amountMinor, expiresAt, description);
  }

  /**
   * For storage: pays back {@code amountMinor} from revenue to {@code accountId}, once per key
   * (the same key and amount again returns the first transfer). Storage decides the amount,
   * never more than the unused part of what it was paid.
   */
  TransferRecord refund(String idempotencyKey, String accountId, long amountMinor, String description) {
    return log.submit(null, d -> {
      Optional<TransferRecord> earlier = d.transferKeyed(STORAGE, idempotencyKey);
      if (earlier.isPresent()) {
        if (!earlier.get().sameRequest(REVENUE, accountId, amountMinor)) {
          throw ApiException.conflict("Refund '" + idempotencyKey + "' was already made for a different amount.");
        }
        return LedgerLog.unchanged(earlier.get());
      }
      AccountState to = d.account(accountId).orElseThrow(() -> ApiException.notFound("No account " + accountId + "."));
      return LedgerLog.changed(move(d, STORAGE, idempotencyKey, d.account(REVENUE).orElseThrow(), to, amountMinor,
          null, description));
    });
  }

  /**
   * Settles a hold as {@link #settle(String, long)} does; a capture's journal lines say
   * {@code description} (what it paid for) when given, else "capture of" the hold.
   */
  long settle(String holdId, long amountMinor, String description) {
    return log.submit(null, d -> {
      HoldRecord hold = d.hold(holdId).orElseThrow(() -> new IllegalArgumentException("no hold " + holdId));
      if (amountMinor > hold.amountMinor()) {
        throw new IllegalArgumentException("cannot settle " + money(amountMinor) + " against a hold of "
            + money(hold.amountMinor()));
      }
      return switch (hold.status(d.at())) {
        case "active" -> {
          if (amountMinor > 0) {
            captureStanding(d, hold, amountMinor, REVENUE, description);
          } else {
            voidStanding(d, hold);
          }
          yield LedgerLog.changed(amountMinor);
        }
        case HoldRecord.CAPTURED -> LedgerLog.unchanged(hold.capturedMinor());
        default -> LedgerLog.unchanged(0L);
      };
    });
  }

  private TransferRecord captureStanding(Draft d, HoldRecord hold, long amountMinor, String toId,
      String description) {
    requireStanding(hold, d.at(), "captured");
    if (amountMinor > hold.amountMinor()) {
      throw ApiException.badRequest("Cannot capture " + money(amountMinor) + ": the hold is for "
          + money(hold.amountMinor()) + ".");
    }
    AccountState from = d.account(hold.account()).orElseThrow();
    AccountState to = d.account(toId).orElseThrow(() -> ApiException.notFound("No account " + toId + "."));
    TransferRecord capture = move(d, SYSTEM, null, from, to, amountMinor, hold.id(),
        description != null ? description : "capture of " + hold.id());
    d.putHold(hold.ended(HoldRecord.CAPTURED, amountMinor, capture.id(), d.at()));
    return capture;
  }

  private HoldRecord voidStanding(Draft d, HoldRecord hold) {
    requireStanding(hold, d.at(), "voided");
    Entry latest = d.account(hold.account()).orElseThrow().latest();
    SortedMap<String, HoldState> holds = latest.holdsCopy();
    holds.remove(hold.id());
    d.putLine(hold.account(), latest.next(d.at(), "release", 0, 0, hold.id() + ":void", null, "hold voided", holds));
    HoldRecord voided = hold.ended(HoldRecord.VOIDED, 0, null, d.at());
    d.putHold(voided);
    return voided;
  }

  private void requireStanding(HoldRecord hold, Instant now, String action) {
    String status = hold.status(now);
    if (!status.equals("active")) {
      throw ApiException.conflict("Hold " + hold.id() + " is " + status + "; only an active hold can be " + action + ".");
    }
  }

  /**
   * Writes both lines of a transfer and its record, under the rules of sub-accounts (money
   * in one goes only to the operator; money comes in only from its parent or the operator,
   * and after it closed goes to the parent instead). A capture ({@code holdId} set) takes the
   * hold off the paying account in the same line; limits were checked by the caller (or,
   * for a capture, when the hold was placed).
   */
  private TransferRecord move(Draft d, String requester, String idempotencyKey, AccountState from, AccountState to,
      long amountMinor, String holdId, String description) {
    AccountState payee = Delegations.payee(d, from, to);
    return book(d, requester, idempotencyKey, from, payee, amountMinor, holdId, description, true);
  }

  /**
   * Writes both lines of a transfer and its record, with no rule but that the figures can
   * be shown. {@code spending}: whether it counts toward the paying account's daily cap
   * (moving a sub-account's budget to or from its parent does not).
   */
  TransferRecord book(Draft d, String requester, String idempotencyKey, AccountState from, AccountState to,
      long amountMinor, String holdId, String description, boolean spending) {
    if (from.meta().id().equals(to.meta().id())) {
      throw ApiException.badRequest("A transfer needs two different accounts.");
    }
    String id = newId("tr_");
    Instant now = d.at();
    SortedMap<String, HoldState> fromHolds = from.latest().holdsCopy();
    if (holdId != null) {
      fromHolds.remove(holdId);
    }
    Entry debit = from.latest().next(now, holdId == null ? "debit" : "capture", -amountMinor,
        spending ? amountMinor : 0, id, to.meta().id(), description, fromHolds);
    Entry credit = to.latest().next(now, "credit", amountMinor, 0, id, from.meta().id(), description,
        to.latest().holdsCopy());
    checkShowable(from.meta(), debit);
    checkShowable(to.meta(), credit);
    TransferRecord record = new TransferRecord(id, requester, idempotencyKey, from.meta().id(), to.meta().id(),
        amountMinor, holdId, description, now, debit.seq(), credit.seq());
    d.putLine(from.meta().id(), debit);
    d.putLine(to.meta().id(), credit);
    d.putTransfer(record);
    return record;
  }

  /**
   * The account {@code id} if {@code user} may spend from it now: an ordinary account its
   * owner, a sub-account its member while it is open. Others learn no more than they may see.
   */
  private AccountState spendingFrom(String id, AccountState account, String user) {
    if (account == null || !Delegation.visibleTo(account.meta(), user)) {
      throw ApiException.notFound("You have no account " + id + ".");
    }
    Delegations.checkSpender(account.meta(), user);
    return account;
  }

  AccountState ownedIn(Draft d, String id, String user) {
    return d.account(id).filter(a -> isOwner(a.meta(), user))
        .orElseThrow(() -> ApiException.notFound("You have no account " + id + "."));
  }

  private static HoldRecord settledByCaller(HoldRecord hold, Caller caller) {
    if (!hold.requester().equals(caller.username())) {
      throw ApiException.forbidden("Hold " + hold.id() + " reserves a job's price; compute settles it when the job "
          + "ends. Cancel the job to release it.");
    }
    return hold;
  }

  private HoldRecord ownedHold(Draft d, String holdId, String user) {
    return d.hold(holdId)
        .filter(h -> d.account(h.account()).map(a -> Delegation.spentBy(a.meta(), user)).orElse(false))
        .orElseThrow(() -> ApiException.notFound("You have no hold " + holdId + "."));
  }

  // Deciding and committing ---------------------------------------------------------------

  // Helpers ------------------------------------------------------------------------------

  static String newId(String prefix) {
    byte[] random = new byte[12];
    RANDOM.nextBytes(random);
    return prefix + HexFormat.of().formatHex(random);
  }

  ApiException insufficient(String message) {
    return new ApiException(402, "insufficient_funds", message);
  }

  String money(long minor) {
    return Money.ofMinorUnits(minor, settings.currency()).toString();
  }

}
