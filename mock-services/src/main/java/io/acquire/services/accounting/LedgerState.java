package io.acquire.services.accounting;

import io.acquire.services.accounting.Records.AccountMeta;
import io.acquire.services.accounting.Records.AccountState;
import io.acquire.services.accounting.Records.Batch;
import io.acquire.services.accounting.Records.Checkpoint;
import io.acquire.services.accounting.Records.HoldRecord;
import io.acquire.services.accounting.Records.Line;
import io.acquire.services.accounting.Records.NonceUse;
import io.acquire.services.accounting.Records.TransferRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ledger as of one batch of its log: every account, the idempotency keys and finished
 * holds of the last {@link #KEYS_KEPT}, and the nonces of requests still inside their
 * signature window. It changes only by {@link #apply}, a pure function of the batch, so
 * every process that applies the same log holds the same state.
 */
final class LedgerState {
  /** How long an idempotency key, and a hold after it ended or expired, is remembered: past any hold's life. */
  static final Duration KEYS_KEPT = Duration.ofDays(8);
  /** Forgetting is batched: old keys and nonces are dropped when a batch's position is a multiple of this. */
  static final int PRUNE_EVERY = 256;

  private final Duration nonceWindow;
  /** Volatile so that a process can look for the next batch without taking the ledger's lock. */
  private volatile long seq = -1;
  private Instant at = Instant.EPOCH;
  private String hash = "";
  /** In creation order, which checkpoints keep, so listings come out the same after a restart. */
  private final Map<String, AccountState> accounts = new LinkedHashMap<>();
  /** Owner → account ids, oldest first; owner + "\n" + name → id. */
  private final Map<String, List<String>> accountsByOwner = new HashMap<>();
  private final Map<String, String> accountsByName = new HashMap<>();
  /** Member → the sub-accounts delegated to them, oldest first. */
  private final Map<String, List<String>> accountsByMember = new HashMap<>();
  /** Insertion order is time order, which pruning relies on. */
  private final LinkedHashMap<String, TransferRecord> transfers = new LinkedHashMap<>();
  private final Map<String, HoldRecord> holds = new HashMap<>();
  /** "t"/"h" + requester + "\n" + key → transfer or hold id. */
  private final Map<String, String> keys = new HashMap<>();
  private final LinkedHashMap<String, Long> nonces = new LinkedHashMap<>();

  /** @param nonceWindow the signature window: a nonce is kept for two of them, like the store's sweeper */
  LedgerState(Duration nonceWindow) {
    this.nonceWindow = nonceWindow;
  }

  long seq() {
    return seq;
  }

  Instant at() {
    return at;
  }

  /** SHA-256 of the stored bytes of batch {@link #seq()}; the next batch's {@code previousHash}. */
  String hash() {
    return hash;
  }

  AccountState account(String id) {
    return accounts.get(id);
  }

  List<String> accountIdsOf(String owner) {
    return accountsByOwner.getOrDefault(owner, List.of());
  }

  List<String> accountIdsDelegatedTo(String member) {
    return accountsByMember.getOrDefault(member, List.of());
  }

  String accountNamed(String owner, String name) {
    return accountsByName.get(owner + "\n" + name);
  }

  TransferRecord transfer(String id) {
    return transfers.get(id);
  }

  HoldRecord hold(String id) {
    return holds.get(id);
  }

  String transferKeyed(String requester, String key) {
    return keys.get(transferKey(requester, key));
  }

  String holdKeyed(String requester, String key) {
    return keys.get(holdKey(requester, key));
  }

  boolean nonceUsed(String key) {
    return nonces.containsKey(key);
  }

  List<AccountState> allAccounts() {
    return List.copyOf(accounts.values());
  }

  static String transferKey(String requester, String key) {
    return "t" + requester + "\n" + key;
  }

  static String holdKey(String requester, String key) {
    return "h" + requester + "\n" + key;
  }

  /**
   * Applies the next batch of the log, whose stored bytes hash to {@code batchHash}.
   *
   * @throws IllegalStateException if it is not the next one or does not chain from this state
   */
  void apply(Batch batch, String batchHash) {
    if (batch.seq() != seq + 1 || !batch.previousHash().equals(hash)) {
      throw new IllegalStateException("ledger batch " + batch.seq() + " does not follow batch " + seq
          + " (its previous hash " + batch.previousHash() + ", expected " + hash + "): the log is damaged");
    }
    for (AccountMeta meta : batch.accounts()) {
      AccountState before = accounts.get(meta.id());
      accounts.put(meta.id(), before == null ? new AccountState(meta, null, -1)
          : new AccountState(meta, before.latest(), before.batch()));
      if (before == null) {
        index(meta);
      }
    }
    for (Line line : batch.lines()) {
      AccountState before = accounts.get(line.account());
      accounts.put(line.account(), new AccountState(before.meta(), line.entry(), batch.seq()));
    }
    for (TransferRecord t : batch.transfers()) {
      transfers.put(t.id(), t);
      if (t.idempotencyKey() != null) {
        keys.put(transferKey(t.requester(), t.idempotencyKey()), t.id());
      }
    }
    for (HoldRecord h : batch.holds()) {
      holds.put(h.id(), h);
      keys.put(holdKey(h.requester(), h.idempotencyKey()), h.id());
    }
    for (NonceUse n : batch.nonces()) {
      nonces.put(n.key(), n.signedAt());
    }
    seq = batch.seq();
    at = batch.at();
    hash = batchHash;
    if (seq % PRUNE_EVERY == 0) {
      prune();
    }
  }

  /** Indexes a new account by owner, name and, for a sub-account, member (none of which ever changes). */
  private void index(AccountMeta meta) {
    accountsByOwner.computeIfAbsent(meta.owner(), o -> new ArrayList<>()).add(meta.id());
    accountsByName.put(meta.owner() + "\n" + meta.name(), meta.id());
    if (meta.delegation() != null) {
      accountsByMember.computeIfAbsent(meta.delegation().member(), m -> new ArrayList<>()).add(meta.id());
    }
  }

  /** Forgets what no request can still ask about, as of this batch's time. */
  private void prune() {
    Instant keysBefore = at.minus(KEYS_KEPT);
    for (Iterator<TransferRecord> it = transfers.values().iterator(); it.hasNext(); ) {
      TransferRecord t = it.next();
      if (!t.at().isBefore(keysBefore)) {
        break;
      }
      if (t.idempotencyKey() != null) {
        keys.remove(transferKey(t.requester(), t.idempotencyKey()));
      }
      it.remove();
    }
    holds.values().removeIf(h -> {
      boolean forget = h.over().isBefore(keysBefore);
      if (forget) {
        keys.remove(holdKey(h.requester(), h.idempotencyKey()));
      }
      return forget;
    });
    long noncesBefore = at.minus(nonceWindow.multipliedBy(2)).getEpochSecond();
    for (Iterator<Long> it = nonces.values().iterator(); it.hasNext(); ) {
      if (it.next() >= noncesBefore) {
        break;
      }
      it.remove();
    }
  }

  Checkpoint checkpoint() {
    return new Checkpoint(seq, at, hash, List.copyOf(accounts.values()), List.copyOf(transfers.values()),
        List.copyOf(holds.values()), nonces.entrySet().stream().map(e -> new NonceUse(e.getKey(), e.getValue())).toList());
  }

  /** The state a checkpoint describes, exactly as applying the log up to it would leave it. */
  static LedgerState of(Checkpoint checkpoint, Duration nonceWindow) {
    LedgerState state = new LedgerState(nonceWindow);
    state.seq = checkpoint.seq();
    state.at = checkpoint.at();
    state.hash = checkpoint.hash();
    for (AccountState a : checkpoint.accounts()) {
      state.accounts.put(a.meta().id(), a);
      state.index(a.meta());
    }
    for (TransferRecord t : checkpoint.transfers()) {
      state.transfers.put(t.id(), t);
      if (t.idempotencyKey() != null) {
        state.keys.put(transferKey(t.requester(), t.idempotencyKey()), t.id());
      }
    }
    for (HoldRecord h : checkpoint.holds()) {
      state.holds.put(h.id(), h);
      state.keys.put(holdKey(h.requester(), h.idempotencyKey()), h.id());
    }
    for (NonceUse n : checkpoint.nonces()) {
      state.nonces.put(n.key(), n.signedAt());
    }
    return state;
  }

}
