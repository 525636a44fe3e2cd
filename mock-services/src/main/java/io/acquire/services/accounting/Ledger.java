package io.acquire.services.accounting;

import io.acquire.client.Money;
import io.acquire.client.wire.RequestSignature;
import io.acquire.services.accounting.Entry.HoldState;
import io.acquire.services.accounting.Records.AccountMeta;
import io.acquire.services.accounting.Records.Hold;
import io.acquire.services.accounting.Records.Transfer;
import io.acquire.services.http.ApiException;
import io.acquire.services.store.JsonObjects;
import io.acquire.services.store.ObjectKeys;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.UUID;
import java.util.function.Function;

/**
 * Double-entry accounts over the object store, correct with any number of processes
 * sharing it and after a crash at any point.
 *
 * <p>Every change to an account is one new journal line written with a conditional put;
 * the line holds the account's state after it, so losing the race for line N+1 means
 * re-reading and re-deciding. A transfer first records its intent, then debits, then
 * credits; each step finds its own line again by reference before writing, so repeating
 * a step (a retry, a second process, recovery after a crash) never applies it twice.
 * Only the requester debits, so a transfer found pending with no debit has moved no money;
 * once debited, anyone may finish it, and {@link #recover()} does.
 */
final class Ledger {
  static final String SYSTEM = "acquire";
  static final String FUNDING = "acct_funding";
  static final String REVENUE = "acct_revenue";
  private static final long UNLIMITED = 1_000_000_000_000_000L;

  private final JsonObjects objects;
  private final Clock clock;
  private final String currency;
  /** The newest journal line this process has seen per account: only a starting point, never trusted as newest. */
  private final java.util.Map<String, Long> seen = new java.util.concurrent.ConcurrentHashMap<>();

  Ledger(JsonObjects objects, Clock clock, String currency) {
    this.objects = objects;
    this.clock = clock;
    this.currency = currency;
    ensureSystemAccount(FUNDING, "Funding (deposits come from here)");
    ensureSystemAccount(REVENUE, "Revenue (captured holds go here)");
  }

  String currency() {
    return currency;
  }

  // Accounts ---------------------------------------------------------------------------

  AccountMeta createAccount(String owner, String name, long overdraftMinor, Long dailyCapMinor) {
    String id = "acct_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    AccountMeta meta = new AccountMeta(id, owner, name, currency, overdraftMinor, dailyCapMinor, clock.instant());
    if (!objects.putIfAbsent(nameKey(owner, name), id)) {
      throw ApiException.conflict("You already have an account named '" + name + "'.");
    }
    objects.put(metaKey(id), meta);
    objects.putIfAbsent(journalKey(id, 0), Entry.open(clock.instant()));
    return meta;
  }

  private void ensureSystemAccount(String id, String name) {
    if (objects.putIfAbsent(metaKey(id), new AccountMeta(id, SYSTEM, name, currency, UNLIMITED, null, clock.instant()))) {
      objects.putIfAbsent(journalKey(id, 0), Entry.open(clock.instant()));
    }
  }

  Optional<AccountMeta> meta(String id) {
    if (id == null || !id.matches("acct_[a-z0-9_]{1,40}")) {
      return Optional.empty();
    }
    return objects.get(metaKey(id), AccountMeta.class);
  }

  /**
   * The account if {@code user} owns it; a 404 otherwise, so others cannot learn it exists.
   * {@code user} is always a caller: the ledger's own name grants nothing here, since a
   * person may register it (the ledger reaches its system accounts through {@link #meta}).
   */
  AccountMeta owned(String id, String user) {
    return meta(id).filter(m -> m.owner().equals(user) && !user.equals(SYSTEM))
        .orElseThrow(() -> ApiException.notFound("You have no account " + id + "."));
  }

  List<AccountMeta> accountsOf(String owner) {
    List<AccountMeta> accounts = new ArrayList<>();
    for (String key : objects.store().list("accounting/names/" + ObjectKeys.segment(owner) + "/")) {
      objects.get(key, String.class).flatMap(this::meta).ifPresent(accounts::add);
    }
    return accounts;
  }

  AccountMeta setLimits(AccountMeta meta, long overdraftMinor, Long dailyCapMinor) {
    AccountMeta updated = new AccountMeta(meta.id(), meta.owner(), meta.name(), meta.currency(), overdraftMinor,
        dailyCapMinor, meta.createdAt());
    objects.put(metaKey(meta.id()), updated);
    return updated;
  }

  // Journals ---------------------------------------------------------------------------

  /**
   * The newest line of an account's journal: from the newest line this process has seen
   * (or the stored head hint), forward until there is no next line.
   */
  Entry latest(String account) {
    long hint = Math.max(seen.getOrDefault(account, 0L), objects.get(headKey(account), Long.class).orElse(0L));
    Entry entry = objects.get(journalKey(account, hint), Entry.class)
        .or(() -> objects.get(journalKey(account, 0), Entry.class))
        .orElseThrow(() -> new IllegalStateException("account " + account + " has no journal"));
    while (true) {
      Optional<Entry> next = objects.get(journalKey(account, entry.seq() + 1), Entry.class);
      if (next.isEmpty()) {
        seen.merge(account, entry.seq(), Math::max);
        return entry;
      }
      entry = next.get();
    }
  }

  List<Entry> journal(String account) {
    List<Entry> lines = new ArrayList<>();
    for (String key : objects.store().list("accounting/journals/" + account + "/")) {
      objects.get(key, Entry.class).ifPresent(lines::add);
    }
    return lines;
  }

  /** The line with {@code reference} after {@code fromSeq}, if one was written. */
  private Optional<Entry> find(String account, long fromSeq, long toSeq, String reference) {
    for (long seq = fromSeq + 1; seq <= toSeq; seq++) {
      Optional<Entry> entry = objects.get(journalKey(account, seq), Entry.class);
      if (entry.isPresent() && reference.equals(entry.get().reference())) {
        return entry;
      }
    }
    return Optional.empty();
  }

  /**
   * Writes the next line that {@code decide} makes from the newest one, unless a line
   * with {@code reference} already exists after {@code fromSeq}: then returns that one.
   * {@code decide} may throw to refuse; it may run several times.
   */
  private Entry append(String account, long fromSeq, String reference, Function<Entry, Entry> decide) {
    while (true) {
      Entry latest = latest(account);
      Optional<Entry> done = find(account, fromSeq, latest.seq(), reference);
      if (done.isPresent()) {
        return done.get();
      }
      Entry next = decide.apply(latest);
      if (objects.putIfAbsent(journalKey(account, next.seq()), next)) {
        if (next.seq() % 16 == 0) {
          objects.put(headKey(account), next.seq());
        }
        return next;
      }
    }
  }

  // Transfers --------------------------------------------------------------------------

  /** Moves money once per (requester, idempotency key); the receipt of the first attempt on repeats. */
  Transfer transfer(String requester, String idempotencyKey, AccountMeta from, AccountMeta to, long amountMinor,
      String holdId, String description) {
    String id = transferId(requester, idempotencyKey);
    Transfer intent = new Transfer(id, requester, from.id(), to.id(), amountMinor, currency, holdId, description,
        clock.instant(), latest(from.id()).seq(), latest(to.id()).seq(), "pending", null, -1, -1);
    // The pending marker goes first, so recovery can find every transfer that might be half done.
    objects.putIfAbsent(pendingKey(id), id);
    objects.putIfAbsent(transferKey(id), intent);
    Transfer recorded = objects.get(transferKey(id), Transfer.class).orElse(intent);
    if (!recorded.sameRequest(intent)) {
      throw ApiException.conflict("Idempotency key '" + idempotencyKey + "' was already used for a different "
          + "transfer; use a new key for a new transfer.");
    }
    return drive(recorded, true);
  }

  /** Takes a transfer as far as it can go; only the requester ({@code mayDebit}) writes the debit. */
  private Transfer drive(Transfer transfer, boolean mayDebit) {
    Transfer t = transfer;
    if (t.status().equals("pending") || t.status().equals("debited")) {
      Optional<Entry> debit = find(t.from(), t.fromStartSeq(), latest(t.from()).seq(), t.id());
      if (debit.isEmpty()) {
        if (!mayDebit) {
          return t;
        }
        Transfer requested = t;
        try {
          debit = Optional.of(append(t.from(), t.fromStartSeq(), t.id(), latest -> debit(latest, requested)));
        } catch (ApiException refused) {
          Transfer failed = setStatus(t, "pending", "failed", refused.getMessage());
          if (!failed.status().equals("failed")) {
            return drive(failed, mayDebit);
          }
          reverseStrayDebit(failed);
          objects.store().delete(pendingKey(t.id()));
          return failed;
        }
      }
      // Fence: once the record says debited, no racing attempt can mark it failed, so crediting is safe.
      t = setStatus(t, "pending", "debited", null);
      if (t.status().equals("failed")) {
        reverseStrayDebit(t);
        objects.store().delete(pendingKey(t.id()));
        return t;
      }
      if (t.status().equals("completed")) {
        objects.store().delete(pendingKey(t.id()));
        return t;
      }
      // From here anyone may finish it; the credit finds itself again if it was already written.
      Transfer debited = t;
      Entry credit = append(t.to(), t.toStartSeq(), t.id(), latest -> latest.next(clock.instant(), "credit",
          debited.amountMinor(), 0, debited.id(), debited.from(), debited.description(), latest.holdsCopy()));
      long debitSeq = debit.get().seq();
      t = objects.update(transferKey(t.id()), Transfer.class, current -> {
        Transfer now = current.orElseThrow();
        return now.status().equals("debited") ? now.completed(debitSeq, credit.seq()) : now;
      });
    }
    if (t.status().equals("failed")) {
      reverseStrayDebit(t);
    }
    objects.store().delete(pendingKey(t.id()));
    return t;
  }

  private Entry debit(Entry latest, Transfer t) {
    Instant now = clock.instant();
    AccountMeta meta = meta(t.from()).orElseThrow();
    SortedMap<String, HoldState> holds = latest.holdsCopy();
    long reservedCap = 0;
    if (t.holdId() != null) {
      HoldState hold = holds.remove(t.holdId());
      if (hold == null || !hold.expiresAt().isAfter(now)) {
        throw ApiException.conflict("Hold " + t.holdId() + " is not active: it was captured, voided or has expired.");
      }
      if (t.amountMinor() > hold.amountMinor()) {
        throw ApiException.badRequest("Cannot capture " + money(t.amountMinor()) + ": the hold is for "
            + money(hold.amountMinor()) + ".");
      }
      reservedCap = hold.amountMinor();
    }
    long heldOthers = holds.values().stream().filter(h -> h.expiresAt().isAfter(now))
        .mapToLong(HoldState::amountMinor).sum();
    if (t.holdId() == null && latest.balanceMinor() - heldOthers - t.amountMinor() < -meta.overdraftMinor()) {
      throw insufficient("Account " + meta.id() + " has " + money(latest.balanceMinor() - heldOthers + meta.overdraftMinor())
          + " available (balance " + money(latest.balanceMinor()) + ", held " + money(heldOthers) + ", overdraft limit "
          + money(meta.overdraftMinor()) + "); cannot move " + money(t.amountMinor()) + ".");
    }
    if (t.holdId() == null && meta.dailyCapMinor() != null
        && latest.spentOn(now) + heldOthers + t.amountMinor() > meta.dailyCapMinor()) {
      throw insufficient("Account " + meta.id() + " would pass its daily cap of " + money(meta.dailyCapMinor())
          + ": spent today " + money(latest.spentOn(now)) + ", held " + money(heldOthers) + ".");
    }
    String kind = t.holdId() == null ? "debit" : "capture";
    return latest.next(now, kind, -t.amountMinor(), t.amountMinor(), t.id(), t.to(), t.description(), holds);
  }

  /** A failed transfer whose debit landed anyway (two racing attempts) gets that debit back. */
  private void reverseStrayDebit(Transfer t) {
    Entry latest = latest(t.from());
    if (find(t.from(), t.fromStartSeq(), latest.seq(), t.id()).isPresent()) {
      append(t.from(), t.fromStartSeq(), t.id() + ":reversal", l -> l.next(clock.instant(), "reversal",
          t.amountMinor(), -t.amountMinor(), t.id() + ":reversal", t.to(), "reversal of failed " + t.id(),
          l.holdsCopy()));
    }
  }

  private Transfer setStatus(Transfer t, String from, String to, String reason) {
    return objects.update(transferKey(t.id()), Transfer.class, current -> {
      Transfer now = current.orElseThrow();
      return now.status().equals(from) ? now.withStatus(to, reason) : now;
    });
  }

  /** Finishes every debited transfer and settles failed ones; safe to run anywhere, any time. */
  int recover() {
    int finished = 0;
    for (String key : objects.store().list("accounting/pending/")) {
      Optional<String> id = objects.get(key, String.class);
      Optional<Transfer> t = id.flatMap(i -> objects.get(transferKey(i), Transfer.class));
      if (t.isEmpty()) {
        continue;
      }
      Transfer after = drive(t.get(), false);
      if (after.status().equals("completed")) {
        finished++;
      }
    }
    return finished;
  }

  Optional<Transfer> transferRecord(String id) {
    return objects.get(transferKey(id), Transfer.class);
  }

  // Holds -------------------------------------------------------------------------------

  Hold hold(String requester, String idempotencyKey, AccountMeta account, long amountMinor, Instant expiresAt,
      String description) {
    String id = "hold_" + RequestSignature.sha256Hex((requester + "\n" + idempotencyKey)
        .getBytes(StandardCharsets.UTF_8)).substring(0, 24);
    Hold asked = new Hold(id, requester, account.id(), amountMinor, expiresAt, latest(account.id()).seq(),
        clock.instant(), description);
    objects.putIfAbsent(holdKey(id), asked);
    Hold hold = objects.get(holdKey(id), Hold.class).orElseThrow();
    if (!hold.account().equals(asked.account()) || hold.amountMinor() != asked.amountMinor()) {
      throw ApiException.conflict("Idempotency key '" + idempotencyKey + "' was already used for a different hold.");
    }
    append(account.id(), hold.startSeq(), id, latest -> {
      Instant now = clock.instant();
      long held = latest.heldMinor(now);
      if (latest.balanceMinor() - held - amountMinor < -account.overdraftMinor()) {
        throw insufficient("Account " + account.id() + " has " + money(latest.balanceMinor() - held
            + account.overdraftMinor()) + " available; cannot hold " + money(amountMinor) + ".");
      }
      if (account.dailyCapMinor() != null && latest.spentOn(now) + held + amountMinor > account.dailyCapMinor()) {
        throw insufficient("Holding " + money(amountMinor) + " would pass the daily cap of "
            + money(account.dailyCapMinor()) + " (spent today " + money(latest.spentOn(now)) + ", held "
            + money(held) + ").");
      }
      SortedMap<String, HoldState> holds = latest.holdsCopy();
      holds.put(id, new HoldState(amountMinor, hold.expiresAt()));
      return latest.next(now, "hold", 0, 0, id, null, hold.description(), holds);
    });
    return hold;
  }

  Optional<Hold> holdRecord(String id) {
    if (id == null || !id.matches("hold_[0-9a-f]{24}")) {
      return Optional.empty();
    }
    return objects.get(holdKey(id), Hold.class);
  }

  /** active, captured, voided, expired, or refused (never placed). */
  String holdStatus(Hold hold) {
    Entry latest = latest(hold.account());
    HoldState state = latest.holds().get(hold.id());
    if (state != null) {
      return state.expiresAt().isAfter(clock.instant()) ? "active" : "expired";
    }
    if (find(hold.account(), hold.startSeq(), latest.seq(), hold.id()).isEmpty()) {
      return "refused";
    }
    if (transferRecord(captureId(hold)).map(t -> t.status().equals("completed")).orElse(false)) {
      return "captured";
    }
    if (find(hold.account(), hold.startSeq(), latest.seq(), hold.id() + ":void").isPresent()) {
      return "voided";
    }
    return "expired";
  }

  Transfer capture(Hold hold, long amountMinor, AccountMeta to) {
    AccountMeta from = meta(hold.account()).orElseThrow();
    Optional<Transfer> earlier = transferRecord(captureId(hold));
    if (earlier.isPresent() && earlier.get().amountMinor() != amountMinor) {
      throw ApiException.conflict("Hold " + hold.id() + " was already captured for "
          + money(earlier.get().amountMinor()) + "; a hold is captured once.");
    }
    Transfer t = transfer(SYSTEM, "capture:" + hold.id(), from, to, amountMinor, hold.id(),
        "capture of " + hold.id());
    return t;
  }

  static String captureId(Hold hold) {
    return transferId(SYSTEM, "capture:" + hold.id());
  }

  void voidHold(Hold hold) {
    append(hold.account(), hold.startSeq(), hold.id() + ":void", latest -> {
      SortedMap<String, HoldState> holds = latest.holdsCopy();
      if (holds.remove(hold.id()) == null) {
        throw ApiException.conflict("Hold " + hold.id() + " is not active: it was captured, voided or has expired.");
      }
      return latest.next(clock.instant(), "release", 0, 0, hold.id() + ":void", null, "hold voided", holds);
    });
  }

  // Keys and helpers -------------------------------------------------------------------

  static String transferId(String requester, String idempotencyKey) {
    return "tr_" + RequestSignature.sha256Hex((requester + "\n" + idempotencyKey).getBytes(StandardCharsets.UTF_8))
        .substring(0, 24);
  }

  private ApiException insufficient(String message) {
    return new ApiException(402, "insufficient_funds", message);
  }

  private String money(long minor) {
    return Money.ofMinorUnits(minor, currency).toString();
  }

  private static String metaKey(String id) {
    return "accounting/accounts/" + id;
  }

  private static String nameKey(String owner, String name) {
    return "accounting/names/" + ObjectKeys.segment(owner) + "/" + ObjectKeys.segment(name);
  }

  private static String journalKey(String account, long seq) {
    return "accounting/journals/" + account + "/" + String.format("%012d", seq);
  }

  private static String headKey(String account) {
    return "accounting/heads/" + account;
  }

  private static String transferKey(String id) {
    return "accounting/transfers/" + id;
  }

  private static String pendingKey(String id) {
    return "accounting/pending/" + id;
  }

  private static String holdKey(String id) {
    return "accounting/holds/" + id;
  }
}
