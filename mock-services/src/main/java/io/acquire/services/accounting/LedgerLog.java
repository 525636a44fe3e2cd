package io.acquire.services.accounting;

import io.acquire.client.wire.Json;
import io.acquire.client.wire.RequestSignature;
import io.acquire.services.accounting.Records.Batch;
import io.acquire.services.accounting.Records.Checkpoint;
import io.acquire.services.accounting.Records.NonceUse;
import io.acquire.services.http.ApiException;
import io.acquire.services.http.Caller;
import io.acquire.services.store.ObjectLog;
import io.acquire.services.store.ObjectStore;
import io.acquire.services.store.StoredObject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the ledger commits: requests are decided against the newest state of the log and
 * written as its next batch, which makes them durable all at once.
 *
 * <p>One thread per process decides and writes. Requests that arrive while a batch is being
 * made durable wait in a queue and go into the next batch together, so one append and its
 * flush serve many requests (group commit). Before deciding, and before any read, the state
 * takes in every batch other processes have appended; a process that loses the race for a
 * position reads the winner's batch and decides its requests again on top of it. A request
 * is answered only once its batch is durable, and a request refused half-way leaves nothing
 * in the batch ({@link Draft}) but its nonce.
 *
 * <p>Every {@code checkpointEvery} batches the state is written as a checkpoint, so a
 * starting process loads the newest and replays only the batches after it.
 */
final class LedgerLog implements AutoCloseable {
  private static final int MAX_BATCH = 256;
  private static final Duration ANSWER_WITHIN = Duration.ofSeconds(30);
  private static final String CHECKPOINTS = "accounting/checkpoints/";
  private static final Logger log = LoggerFactory.getLogger(LedgerLog.class);

  /** What deciding a request gave: its answer, and whether it changed anything. */
  record Decision<T>(T value, boolean changed) {}

  static <T> Decision<T> changed(T value) {
    return new Decision<>(value, true);
  }

  static <T> Decision<T> unchanged(T value) {
    return new Decision<>(value, false);
  }

  private final ObjectStore store;
  private final ObjectLog batches;
  private final Clock clock;
  private final Duration nonceWindow;
  private final int checkpointEvery;
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
   * Opens the log called {@code name}: loads the newest checkpoint, replays what follows, and
   * if the log is empty writes batch 0 as {@code genesis} makes it (whichever process is first).
   *
   * @param nonceWindow the signature window, for how long recorded nonces matter
   */
  LedgerLog(ObjectStore store, String name, Clock clock, Duration nonceWindow, int checkpointEvery,
      Consumer<Draft> genesis) {
    this.store = store;
    this.batches = store.log(name);
    this.clock = clock;
    this.nonceWindow = nonceWindow;
    this.checkpointEvery = checkpointEvery;
    this.state = loadNewestCheckpoint();
    catchUp();
    if (state.seq() < 0) {
      Draft draft = new Draft(state, clock.instant());
      genesis.accept(draft);
      Batch first = draft.batch();
      byte[] bytes = Json.write(first);
      if (append(0, bytes)) {
        apply(first, bytes);
      }
      catchUp();
    }
    this.committer = daemon(this::commitLoop, "ledger-committer");
    committer.start();
  }

  private static Thread daemon(Runnable body, String name) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    return thread;
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

  /** Runs {@code read} on the newest state of the log. */
  <T> T read(Function<LedgerState, T> read) {
    catchUp();
    lock.readLock().lock();
    try {
      return read.apply(state);
    } finally {
      lock.readLock().unlock();
    }
  }

  /** The batch at {@code seq}. */
  Batch batch(long seq) {
    Batch cached = recentBatches.get(seq);
    if (cached != null) {
      return cached;
    }
    Batch batch = batches.read(seq).map(bytes -> Json.read(bytes, Batch.class))
        .orElseThrow(() -> new IllegalStateException("ledger batch " + seq + " is missing"));
    recentBatches.put(seq, batch);
    return batch;
  }

  /**
   * Reads the whole log from its first batch and checks that each chains from the one
   * before by hash; returns how many batches there are.
   */
  long verify() {
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
      previous = RequestSignature.sha256Hex(bytes.get());
    }
  }

  /** How many batches the log holds. */
  long size() {
    catchUp();
    return state.seq() + 1;
  }

  /** A request waiting for the committer. {@code caller} is null for the ledger's in-process callers. */
  private record Request<T>(Caller caller, Function<Draft, Decision<T>> decide, CompletableFuture<Decision<T>> answer) {}

  /**
   * Decides {@code decide} in the next batch and waits until that batch is durable. A
   * signed request's nonce is recorded in that batch whatever the decision (a change, a
   * refusal, a repeat), so the ledger's own log is the one place its nonces are claimed:
   * every process decides on the log's newest state, so a replay is refused exactly, and
   * no request costs a read or write of the store besides its batch's share (on S3 a nonce
   * of its own cost a listing and a put).
   */
  <T> T submit(Caller caller, Function<Draft, Decision<T>> decide) {
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
    return decision.value();
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
          // Another process wrote this position: decide again on top of its batch.
          catchUp();
          if (state.seq() < batch.seq()) {
            throw new IllegalStateException("ledger position " + batch.seq() + " was refused but holds no batch");
          }
          continue;
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

  /**
   * A request's decision, or the exception that refused it. A refused request leaves only
   * its nonce in the draft (as does one that changes nothing), so that it is not decided
   * afresh when replayed; a replay or a failure of the ledger itself leaves nothing.
   */
  private static Object decide(Draft draft, Request<?> request) {
    Caller caller = request.caller();
    String nonce = caller == null ? null : caller.sessionId() + "/" + caller.nonce();
    if (nonce != null && draft.nonceUsed(nonce)) {
      return replay();
    }
    int mark = draft.mark();
    Object outcome;
    try {
      outcome = request.decide().apply(draft);
    } catch (ApiException | IllegalArgumentException refused) {
      draft.rollBackTo(mark);
      outcome = refused;
    } catch (RuntimeException e) {
      draft.rollBackTo(mark);
      log.error("Deciding a ledger request failed", e);
      return e;
    }
    if (nonce != null) {
      draft.useNonce(new NonceUse(nonce, caller.signedAt()));
    }
    return outcome;
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
          return Arrays.equals(there.get(), bytes);
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
      state.apply(batch, RequestSignature.sha256Hex(bytes));
      applied = state;
    } finally {
      lock.writeLock().unlock();
    }
    recentBatches.put(batch.seq(), batch);
    if (batch.seq() > 0 && batch.seq() % checkpointEvery == 0) {
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

  // Checkpoints ------------------------------------------------------------------------------

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
        return LedgerState.of(Json.read(object.get().data(), Checkpoint.class), nonceWindow);
      }
    }
    return new LedgerState(nonceWindow);
  }

  private static String checkpointKey(long seq) {
    return CHECKPOINTS + String.format("%016d", seq);
  }
}
