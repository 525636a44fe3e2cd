package io.acquire.services.accounting;

import io.acquire.client.Money;
import io.acquire.client.wire.Json;
import io.acquire.client.wire.RequestSignature;
import io.acquire.services.accounting.Entry.HoldState;
import io.acquire.services.accounting.Records.AccountMeta;
import io.acquire.services.accounting.Records.AccountState;
import io.acquire.services.accounting.Records.Batch;
import io.acquire.services.accounting.Records.Checkpoint;
import io.acquire.services.accounting.Records.HoldRecord;
import io.acquire.services.accounting.Records.Line;
import io.acquire.services.accounting.Records.NonceUse;
import io.acquire.services.accounting.Records.TransferRecord;
import io.acquire.services.ServiceContext;
import io.acquire.services.http.ApiException;
import io.acquire.services.http.Caller;
import io.acquire.services.http.SessionKeys;
import io.acquire.services.store.ObjectLog;
import io.acquire.services.store.ObjectStore;
import io.acquire.services.store.StoredObject;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Double-entry accounts as one log of batches in the object store, correct with any number
 * of processes sharing it and after a crash at any point.
 *
 * <p>The log is the ledger: batch N+1 is appended at position N+1 of the store's
 * {@link ObjectLog}, so of any number of processes exactly one writes each position, and a batch holds every change of the
 * requests in it (both lines of a transfer, the hold it captures, the request's nonce), so
 * each request is all or nothing. Each process keeps the state the log describes in memory
 * and reads any newer batches before it decides or answers, so it never acts on a stale
 * balance. One thread per process decides and writes batches: requests that arrive while a
 * batch is being made durable go into the next one, so one write and its fsyncs serve many
 * requests (group commit). A process that loses the race for a position reads the winner's
 * batch and decides its requests again on top of it.
 *
 * <p>Checkpoints of the state every {@code checkpointEvery} batches let a starting process
 * replay only the batches after the newest. Each account's journal lines stay in the log,
 * each pointing at the batch of the line before, and chain by hash; the batches chain by the
 * hash of their bytes.
 */
final class Ledger implements AutoCloseable {
  /** Owner of the operator's accounts; not a valid username, so no person can be it. */
  static final String SYSTEM = "@acquire";
  static final String FUNDING = "acct_funding";
  static final String REVENUE = "acct_revenue";
  /** Who placed a job's hold: only compute settles it, or its owner could capture it into their own account. */
  static final String COMPUTE = "@compute";
  private static final long UNLIMITED = 1_000_000_000_000_000L;
  private static final int MAX_BATCH = 256;
  private static final Duration ANSWER_WITHIN = Duration.ofSeconds(30);
  /** The store's log that holds the ledger's batches. */
  static final String LOG = "accounting-ledger";
  private static final String CHECKPOINTS = "accounting/checkpoints/";
  private static final Logger log = LoggerFactory.getLogger(Ledger.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * @param demoCreditMinor given to each user's first account, from {@link #FUNDING}; 0 for none
   * @param checkpointEvery batches between checkpoints of the state
   * @param nonceWindow the signature window, for how long recorded nonces matter
   */
  record Settings(String currency, long demoCreditMinor, int checkpointEvery, Duration nonceWindow) {}

  private final ObjectStore store;
  private final ObjectLog batches;
  private final Clock clock;
  private final Settings settings;
  /** Guards {@link #state}: deciding and reading share it, applying a batch excludes both. */
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private LedgerState state;
  private final BlockingQueue<Request<?>> queue = new LinkedBlockingQueue<>();
  private final Thread committer;
  private final ExecutorService checkpointer = Executors.newSingleThreadExecutor(r -> daemon(r, "ledger-checkpoint"));
  /** Batches written or read lately, which statements walk through. */
  private final Map<Long, Batch> recentBatches = Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, Batch> eldest) {
      return size() > 512;
    }
  });
  private volatile boolean closed;

  /**
   * This server's ledger, shared by accounting and compute, with the operator's options
   * {@code accounting.currency}, {@code accounting.demo-credit} and
   * {@code accounting.checkpoint-every}.
   */
  static Ledger of(ServiceContext context) {
    return context.shared(Ledger.class, () -> {
      String currency = context.optionOf("accounting", "currency", AccountingService.DEFAULT_CURRENCY);
      Money demoCredit = Money.of(context.optionOf("accounting", "demo-credit", "100.00"), currency);
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
          checkpointEvery, context.signatureWindow()));
    });
  }

  Ledger(ObjectStore store, Clock clock, Settings settings) {
    this.store = store;
    this.batches = store.log(LOG);
    this.clock = clock;
    this.settings = settings;
    this.state = loadNewestCheckpoint();
    catchUp();
    if (state.seq() < 0) {
      if (!store.list("accounting/accounts/").isEmpty()) {
        throw new IllegalStateException("This store holds accounts in an earlier pre-release's format "
            + "(accounting/accounts and accounting/journals), which this version cannot read: it keeps the ledger "
            + "as one log (accounting/log). Start with a new data directory, or run the version that wrote it.");
      }
      writeGenesis();
    }
    this.committer = daemon(this::commitLoop, "ledger-committer");
    committer.start();
  }

  private static Thread daemon(Runnable body, String name) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    return thread;
  }

  String currency() {
    return settings.currency();
  }

  @Override
  public void close() {
    closed = true;
    committer.interrupt();
    checkpointer.shutdown();
    try {
      committer.join(5_000);
      checkpointer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // Reads ------------------------------------------------------------------------------

  /** Runs {@code read} on the newest state of the log. */
  private <T> T read(Function<LedgerState, T> read) {
    catchUp();
    lock.readLock().lock();
    try {
      return read.apply(state);
    } finally {
      lock.readLock().unlock();
    }
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

  /** Every account, the operator's included. */
  List<AccountState> allAccounts() {
    return read(LedgerState::allAccounts);
  }

  List<AccountState> accountsOf(String owner) {
    return read(s -> s.accountIdsOf(owner).stream().map(s::account).toList());
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
      for (Line l : batch(batchSeq).lines()) {
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

  /**
   * Reads the whole log from its first batch and checks that each chains from the one
   * before by hash; returns how many batches there are.
   */
  long verifyLog() {
    String previous = "";
    long seq = 0;
    for (; ; seq++) {
      Optional<byte[]> bytes = batches.read(seq);
      if (bytes.isEmpty()) {
        return seq;
      }
      Batch batch = Json.read(bytes.get(), Batch.class);
      if (batch.seq() != seq || !batch.previousHash().equals(previous)) {
        throw new IllegalStateException("ledger batch " + seq + " does not chain from the one before");
      }
      previous = sha256(bytes.get());
    }
  }

  /** How many batches the log holds, as far as this process has read it. */
  long batchCount() {
    catchUp();
    return state.seq() + 1;
  }

  private Batch batch(long seq) {
    Batch cached = recentBatches.get(seq);
    if (cached != null) {
      return cached;
    }
    Batch batch = batches.read(seq).map(bytes -> Json.read(bytes, Batch.class))
        .orElseThrow(() -> new IllegalStateException("ledger batch " + seq + " is missing"));
    recentBatches.put(seq, batch);
    return batch;
  }

  // Requests ----------------------------------------------------------------------------

  /**
   * Opens an account; the owner's first gets the demo credit in the same batch, so it is
   * given once per user whatever races.
   */
  AccountMeta createAccount(Caller caller, String name, long overdraftMinor, Long dailyCapMinor) {
    String owner = caller.username();
    return submit(caller, d -> {
      if (d.hasAccountNamed(owner, name)) {
        throw ApiException.conflict("You already have an account named '" + name + "'.");
      }
      boolean first = !d.ownsAny(owner);
      AccountMeta meta = new AccountMeta(newId("acct_"), owner, name, settings.currency(), overdraftMinor,
          dailyCapMinor, d.at());
      d.putAccount(meta);
      d.putLine(meta.id(), Entry.open(d.at()));
      if (first && settings.demoCreditMinor() > 0) {
        move(d, SYSTEM, null, d.account(FUNDING).orElseThrow(), d.account(meta.id()).orElseThrow(),
            settings.demoCreditMinor(), null, "demo credit");
      }
      return changed(meta);
    });
  }

  AccountMeta setLimits(Caller caller, String accountId, long overdraftMinor, Long dailyCapMinor) {
    return submit(caller, d -> {
      AccountMeta meta = ownedIn(d, accountId, caller.username()).meta();
      AccountMeta updated = meta.withLimits(overdraftMinor, dailyCapMinor);
      d.putAccount(updated);
      return changed(updated);
    });
  }

  /** Moves money once per (requester, idempotency key); the record of the first time on repeats. */
  TransferRecord transfer(Caller caller, String idempotencyKey, String fromId, String toId, long amountMinor,
      String description) {
    String requester = caller.username();
    return submit(caller, d -> {
      Optional<TransferRecord> earlier = d.transferKeyed(requester, idempotencyKey);
      if (earlier.isPresent()) {
        if (!earlier.get().sameRequest(fromId, toId, amountMinor)) {
          throw ApiException.conflict("Idempotency key '" + idempotencyKey + "' was already used for a different "
              + "transfer; use a new key for a new transfer.");
        }
        return unchanged(earlier.get());
      }
      AccountState from = ownedIn(d, fromId, requester);
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
      return changed(move(d, requester, idempotencyKey, from, to, amountMinor, null, description));
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
    return submit(caller, d -> {
      Optional<HoldRecord> earlier = d.holdKeyed(requester, idempotencyKey);
      if (earlier.isPresent()) {
        if (!earlier.get().account().equals(accountId) || earlier.get().amountMinor() != amountMinor) {
          throw ApiException.conflict("Idempotency key '" + idempotencyKey + "' was already used for a different hold.");
        }
        return unchanged(earlier.get());
      }
      AccountState account = ownedIn(d, accountId, owner);
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
      return changed(hold);
    });
  }

  /**
   * Takes {@code amountMinor} (more than zero, at most the hold) from a standing hold to
   * {@code toId} and releases the rest. Capturing again for the same amount returns the
   * same transfer.
   */
  TransferRecord capture(Caller caller, String holdId, long amountMinor, String toId) {
    return submit(caller, d -> {
      HoldRecord hold = settledByCaller(ownedHold(d, holdId, caller.username()), caller);
      if (HoldRecord.CAPTURED.equals(hold.outcome())) {
        TransferRecord earlier = d.transfer(hold.captureId()).orElseThrow();
        if (earlier.amountMinor() != amountMinor) {
          throw ApiException.conflict("Hold " + hold.id() + " was already captured for " + money(earlier.amountMinor())
              + "; a hold is captured once.");
        }
        return unchanged(earlier);
      }
      return changed(captureStanding(d, hold, amountMinor, toId));
    });
  }

  /** Releases a standing hold whole. */
  HoldRecord voidHold(Caller caller, String holdId) {
    return submit(caller, d -> changed(voidStanding(d, settledByCaller(ownedHold(d, holdId, caller.username()), caller))));
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
    return submit(null, d -> {
      HoldRecord hold = d.hold(holdId).orElseThrow(() -> new IllegalArgumentException("no hold " + holdId));
      if (amountMinor > hold.amountMinor()) {
        throw new IllegalArgumentException("cannot settle " + money(amountMinor) + " against a hold of "
            + money(hold.amountMinor()));
      }
      return switch (hold.status(d.at())) {
        case "active" -> {
          if (amountMinor > 0) {
            captureStanding(d, hold, amountMinor, REVENUE);
          } else {
            voidStanding(d, hold);
          }
          yield changed(amountMinor);
        }
        case HoldRecord.CAPTURED -> unchanged(hold.capturedMinor());
        default -> unchanged(0L);
      };
    });
  }

  private TransferRecord captureStanding(Draft d, HoldRecord hold, long amountMinor, String toId) {
    requireStanding(hold, d.at(), "captured");
    if (amountMinor > hold.amountMinor()) {
      throw ApiException.badRequest("Cannot capture " + money(amountMinor) + ": the hold is for "
          + money(hold.amountMinor()) + ".");
    }
    AccountState from = d.account(hold.account()).orElseThrow();
    AccountState to = d.account(toId).orElseThrow(() -> ApiException.notFound("No account " + toId + "."));
    TransferRecord capture = move(d, SYSTEM, null, from, to, amountMinor, hold.id(), "capture of " + hold.id());
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
   * Writes both lines of a transfer and its record. A capture ({@code holdId} set) takes the
   * hold off the paying account in the same line; limits were checked by the caller (or,
   * for a capture, when the hold was placed).
   */
  private TransferRecord move(Draft d, String requester, String idempotencyKey, AccountState from, AccountState to,
      long amountMinor, String holdId, String description) {
    if (from.meta().id().equals(to.meta().id())) {
      throw ApiException.badRequest("A transfer needs two different accounts.");
    }
    String id = newId("tr_");
    Instant now = d.at();
    SortedMap<String, HoldState> fromHolds = from.latest().holdsCopy();
    if (holdId != null) {
      fromHolds.remove(holdId);
    }
    Entry debit = from.latest().next(now, holdId == null ? "debit" : "capture", -amountMinor, amountMinor, id,
        to.meta().id(), description, fromHolds);
    Entry credit = to.latest().next(now, "credit", amountMinor, 0, id, from.meta().id(), description,
        to.latest().holdsCopy());
    TransferRecord record = new TransferRecord(id, requester, idempotencyKey, from.meta().id(), to.meta().id(),
        amountMinor, holdId, description, now, debit.seq(), credit.seq());
    d.putLine(from.meta().id(), debit);
    d.putLine(to.meta().id(), credit);
    d.putTransfer(record);
    return record;
  }

  private AccountState ownedIn(Draft d, String id, String user) {
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
    return d.hold(holdId).filter(h -> d.account(h.account()).map(a -> isOwner(a.meta(), user)).orElse(false))
        .orElseThrow(() -> ApiException.notFound("You have no hold " + holdId + "."));
  }

  // Deciding and committing ---------------------------------------------------------------

  /** What deciding a request gave: its answer, and whether it changed anything. */
  private record Decision<T>(T value, boolean changed) {}

  private static <T> Decision<T> changed(T value) {
    return new Decision<>(value, true);
  }

  private static <T> Decision<T> unchanged(T value) {
    return new Decision<>(value, false);
  }

  /** A request waiting for the committer. {@code caller} is null for the ledger's in-process callers. */
  private record Request<T>(Caller caller, Function<Draft, Decision<T>> decide, CompletableFuture<Decision<T>> answer) {}

  /**
   * Decides {@code decide} in the next batch and waits until that batch is durable. A
   * signed request's nonce is recorded with its changes; a request that changes nothing
   * (a refusal, a repeat) claims its nonce in the store instead, like any other service's.
   */
  private <T> T submit(Caller caller, Function<Draft, Decision<T>> decide) {
    if (caller != null && store.get(SessionKeys.nonce(caller.sessionId(), caller.nonce())).isPresent()) {
      throw replay();
    }
    Request<T> request = new Request<>(caller, decide, new CompletableFuture<>());
    if (closed) {
      throw unavailable();
    }
    queue.add(request);
    Decision<T> decision;
    try {
      decision = request.answer().get(ANSWER_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ApiException refused) {
        claimInStore(caller);
        throw refused;
      }
      if (e.getCause() instanceof IllegalArgumentException wrong) {
        throw wrong;
      }
      throw new IllegalStateException("the ledger failed to decide a request", e.getCause());
    } catch (TimeoutException e) {
      throw unavailable();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable();
    }
    if (!decision.changed()) {
      claimInStore(caller);
    }
    return decision.value();
  }

  private void claimInStore(Caller caller) {
    if (caller != null && store.putIfAbsent(SessionKeys.nonce(caller.sessionId(), caller.nonce()),
        Long.toString(caller.signedAt()).getBytes(StandardCharsets.US_ASCII)).isEmpty()) {
      throw replay();
    }
  }

  private static ApiException replay() {
    return ApiException.unauthorized("Nonce was already used: this request is a replay.");
  }

  private static ApiException unavailable() {
    return new ApiException(503, "unavailable", "The ledger could not commit in time; repeat the request (with the "
        + "same idempotency key, so it happens once).");
  }

  private void commitLoop() {
    List<Request<?>> work = new ArrayList<>();
    while (!closed) {
      try {
        work.add(queue.take());
        queue.drainTo(work, MAX_BATCH - 1);
        commit(work);
      } catch (InterruptedException e) {
        if (closed) {
          break;
        }
      } catch (RuntimeException e) {
        log.error("The ledger could not commit {} requests; they are answered as unavailable", work.size(), e);
        work.forEach(r -> r.answer().completeExceptionally(unavailable()));
      } finally {
        work.clear();
      }
    }
    List<Request<?>> left = new ArrayList<>();
    queue.drainTo(left);
    left.forEach(r -> r.answer().completeExceptionally(unavailable()));
  }

  /** Decides {@code work} on the newest state and writes it as the next batch, again on top of any batch that won. */
  private void commit(List<Request<?>> work) {
    while (true) {
      catchUp();
      Draft draft;
      List<Object> outcomes = new ArrayList<>(work.size());
      lock.readLock().lock();
      try {
        draft = new Draft(state, clock.instant());
        for (Request<?> request : work) {
          outcomes.add(decide(draft, request));
        }
      } finally {
        lock.readLock().unlock();
      }
      if (!draft.isEmpty()) {
        Batch batch = draft.batch();
        byte[] bytes = Json.write(batch);
        if (!append(batch.seq(), bytes)) {
          continue; // another process wrote this position: decide again on top of its batch
        }
        apply(batch, bytes);
      }
      for (int i = 0; i < work.size(); i++) {
        answer(work.get(i), outcomes.get(i));
      }
      return;
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void answer(Request request, Object outcome) {
    if (outcome instanceof Throwable t) {
      request.answer().completeExceptionally(t);
    } else {
      request.answer().complete(outcome);
    }
  }

  /** A request's decision, or the exception that refused it; a refused request leaves nothing in the draft. */
  private static Object decide(Draft draft, Request<?> request) {
    int mark = draft.mark();
    try {
      Caller caller = request.caller();
      if (caller != null && draft.nonceUsed(caller.sessionId() + "/" + caller.nonce())) {
        throw replay();
      }
      Decision<?> decision = request.decide().apply(draft);
      if (decision.changed() && caller != null) {
        draft.useNonce(new NonceUse(caller.sessionId() + "/" + caller.nonce(), caller.signedAt()));
      }
      return decision;
    } catch (ApiException | IllegalArgumentException refused) {
      draft.rollBackTo(mark);
      return refused;
    } catch (RuntimeException e) {
      draft.rollBackTo(mark);
      log.error("Deciding a ledger request failed", e);
      return e;
    }
  }

  /**
   * Writes batch {@code seq} if the position is free. A write that fails with an error may
   * or may not have landed, so the position is read back: ours if it holds our bytes.
   */
  private boolean append(long seq, byte[] bytes) {
    for (int attempt = 1; ; attempt++) {
      try {
        return batches.append(seq, bytes);
      } catch (RuntimeException e) {
        Optional<byte[]> there = readQuietly(seq);
        if (there.isPresent()) {
          return java.util.Arrays.equals(there.get(), bytes);
        }
        if (attempt == 3) {
          throw e;
        }
        log.warn("Writing ledger batch {} failed; trying again", seq, e);
      }
    }
  }

  private Optional<byte[]> readQuietly(long seq) {
    try {
      return batches.read(seq);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Applies every batch newer than the state that other processes (or this one) have written. */
  private void catchUp() {
    while (true) {
      Optional<byte[]> bytes = batches.read(state.seq() + 1);
      if (bytes.isEmpty()) {
        return;
      }
      apply(Json.read(bytes.get(), Batch.class), bytes.get());
    }
  }

  private void apply(Batch batch, byte[] bytes) {
    LedgerState applied;
    lock.writeLock().lock();
    try {
      if (batch.seq() != state.seq() + 1) {
        return; // a reader caught up with it first
      }
      state.apply(batch, sha256(bytes));
      applied = state;
    } finally {
      lock.writeLock().unlock();
    }
    recentBatches.put(batch.seq(), batch);
    if (batch.seq() > 0 && batch.seq() % settings.checkpointEvery() == 0) {
      Checkpoint checkpoint;
      lock.readLock().lock();
      try {
        checkpoint = applied.checkpoint();
      } finally {
        lock.readLock().unlock();
      }
      checkpointer.execute(() -> writeCheckpoint(checkpoint));
    }
  }

  // Checkpoints and the first batch -------------------------------------------------------

  private void writeCheckpoint(Checkpoint checkpoint) {
    try {
      store.putIfAbsent(checkpointKey(checkpoint.seq()), Json.write(checkpoint));
      List<String> all = store.list(CHECKPOINTS);
      for (String old : all.subList(0, Math.max(0, all.size() - 2))) {
        store.delete(old);
      }
    } catch (RuntimeException e) {
      log.warn("Writing ledger checkpoint {} failed; the next one will be tried", checkpoint.seq(), e);
    }
  }

  private LedgerState loadNewestCheckpoint() {
    List<String> checkpoints = store.list(CHECKPOINTS);
    for (int i = checkpoints.size() - 1; i >= 0; i--) {
      Optional<StoredObject> object = store.get(checkpoints.get(i));
      if (object.isPresent()) {
        return LedgerState.of(Json.read(object.get().data(), Checkpoint.class), settings.nonceWindow());
      }
    }
    return new LedgerState(settings.nonceWindow());
  }

  /** Batch 0 opens the operator's funding and revenue accounts; whichever process writes it first wins. */
  private void writeGenesis() {
    Draft draft = new Draft(state, clock.instant());
    for (String[] system : new String[][] {{FUNDING, "Funding (deposits come from here)"},
        {REVENUE, "Revenue (captured holds go here)"}}) {
      draft.putAccount(new AccountMeta(system[0], SYSTEM, system[1], settings.currency(), UNLIMITED, null, draft.at()));
      draft.putLine(system[0], Entry.open(draft.at()));
    }
    Batch genesis = draft.batch();
    byte[] bytes = Json.write(genesis);
    if (append(0, bytes)) {
      apply(genesis, bytes);
    }
    catchUp();
  }

  // Helpers ------------------------------------------------------------------------------

  private static String newId(String prefix) {
    byte[] random = new byte[12];
    RANDOM.nextBytes(random);
    return prefix + HexFormat.of().formatHex(random);
  }

  private static String sha256(byte[] bytes) {
    return RequestSignature.sha256Hex(bytes);
  }

  private ApiException insufficient(String message) {
    return new ApiException(402, "insufficient_funds", message);
  }

  private String money(long minor) {
    return Money.ofMinorUnits(minor, settings.currency()).toString();
  }

  private static String checkpointKey(long seq) {
    return CHECKPOINTS + String.format("%016d", seq);
  }
}
