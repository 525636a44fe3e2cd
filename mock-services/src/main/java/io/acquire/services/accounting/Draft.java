package io.acquire.services.accounting;

import io.acquire.services.accounting.Records.AccountMeta;
import io.acquire.services.accounting.Records.AccountState;
import io.acquire.services.accounting.Records.Batch;
import io.acquire.services.accounting.Records.HoldRecord;
import io.acquire.services.accounting.Records.Line;
import io.acquire.services.accounting.Records.NonceUse;
import io.acquire.services.accounting.Records.TransferRecord;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The next batch while it is being decided: the state it starts from with the changes of
 * the requests decided so far laid over it, so each request sees those before it. A
 * request that is refused halfway is rolled back to its {@link #mark()}, so a batch holds
 * only whole requests. Used by one thread.
 */
final class Draft {
  private final LedgerState base;
  private final long seq;
  private final Instant at;
  private final Map<String, AccountState> accounts = new HashMap<>();
  private final Map<String, List<String>> newAccountsByOwner = new HashMap<>();
  private final Map<String, String> newAccountsByName = new HashMap<>();
  private final Map<String, TransferRecord> transfers = new HashMap<>();
  private final Map<String, HoldRecord> holds = new HashMap<>();
  private final Map<String, String> keys = new HashMap<>();
  private final Map<String, Long> nonces = new HashMap<>();

  private final List<AccountMeta> metaChanges = new ArrayList<>();
  private final List<Line> lineChanges = new ArrayList<>();
  private final List<TransferRecord> transferChanges = new ArrayList<>();
  private final List<HoldRecord> holdChanges = new ArrayList<>();
  private final List<NonceUse> nonceChanges = new ArrayList<>();
  /** How to take back each overlay change, newest last. */
  private final Deque<Runnable> undo = new ArrayDeque<>();

  /** @param at the batch's time: never before the state's, so time in the log only moves forward */
  Draft(LedgerState base, Instant at) {
    this.base = base;
    this.seq = base.seq() + 1;
    this.at = at.isBefore(base.at()) ? base.at() : at;
  }

  long seq() {
    return seq;
  }

  Instant at() {
    return at;
  }

  boolean isEmpty() {
    return metaChanges.isEmpty() && lineChanges.isEmpty() && transferChanges.isEmpty() && holdChanges.isEmpty()
        && nonceChanges.isEmpty();
  }

  Batch batch() {
    return new Batch(seq, at, base.hash(), List.copyOf(metaChanges), List.copyOf(lineChanges),
        List.copyOf(transferChanges), List.copyOf(holdChanges), List.copyOf(nonceChanges));
  }

  // Reads: the overlay first, then the state ------------------------------------------------

  Optional<AccountState> account(String id) {
    AccountState mine = accounts.get(id);
    return Optional.ofNullable(mine != null ? mine : base.account(id));
  }

  boolean ownsAny(String owner) {
    return !base.accountIdsOf(owner).isEmpty() || newAccountsByOwner.containsKey(owner);
  }

  /** The owner's accounts, those opened in this batch included. */
  List<String> accountIdsOf(String owner) {
    List<String> ids = new ArrayList<>(base.accountIdsOf(owner));
    ids.addAll(newAccountsByOwner.getOrDefault(owner, List.of()));
    return ids;
  }

  boolean hasAccountNamed(String owner, String name) {
    return base.accountNamed(owner, name) != null || newAccountsByName.containsKey(owner + "\n" + name);
  }

  Optional<TransferRecord> transfer(String id) {
    TransferRecord mine = transfers.get(id);
    return Optional.ofNullable(mine != null ? mine : base.transfer(id));
  }

  Optional<HoldRecord> hold(String id) {
    HoldRecord mine = holds.get(id);
    return Optional.ofNullable(mine != null ? mine : base.hold(id));
  }

  Optional<TransferRecord> transferKeyed(String requester, String key) {
    String id = keys.get(LedgerState.transferKey(requester, key));
    return Optional.ofNullable(id != null ? id : base.transferKeyed(requester, key)).flatMap(this::transfer);
  }

  Optional<HoldRecord> holdKeyed(String requester, String key) {
    String id = keys.get(LedgerState.holdKey(requester, key));
    return Optional.ofNullable(id != null ? id : base.holdKeyed(requester, key)).flatMap(this::hold);
  }

  boolean nonceUsed(String key) {
    return nonces.containsKey(key) || base.nonceUsed(key);
  }

  // Changes ------------------------------------------------------------------------------

  /** Where the changes of the request being decided begin. */
  int mark() {
    return undo.size();
  }

  /** Takes back every change since {@code mark}. */
  void rollBackTo(int mark) {
    while (undo.size() > mark) {
      undo.removeLast().run();
    }
  }

  void putAccount(AccountMeta meta) {
    Optional<AccountState> before = account(meta.id());
    overlay(accounts, meta.id(), before.map(s -> new AccountState(meta, s.latest(), s.batch()))
        .orElse(new AccountState(meta, null, -1)));
    if (before.isEmpty()) {
      List<String> ids = newAccountsByOwner.computeIfAbsent(meta.owner(), o -> new ArrayList<>());
      ids.add(meta.id());
      undo.addLast(() -> {
        ids.remove(meta.id());
        if (ids.isEmpty()) {
          newAccountsByOwner.remove(meta.owner());
        }
      });
      overlay(newAccountsByName, meta.owner() + "\n" + meta.name(), meta.id());
    }
    appendChange(metaChanges, meta);
  }

  /** Writes {@code entry} as the account's next journal line. */
  void putLine(String account, Entry entry) {
    AccountState before = account(account).orElseThrow();
    if (before.latest() != null && entry.seq() != before.latest().seq() + 1) {
      throw new IllegalStateException("line " + entry.seq() + " does not follow line " + before.latest().seq()
          + " of " + account);
    }
    overlay(accounts, account, new AccountState(before.meta(), entry, seq));
    appendChange(lineChanges, new Line(account, before.batch(), entry));
  }

  void putTransfer(TransferRecord t) {
    overlay(transfers, t.id(), t);
    if (t.idempotencyKey() != null) {
      overlay(keys, LedgerState.transferKey(t.requester(), t.idempotencyKey()), t.id());
    }
    appendChange(transferChanges, t);
  }

  void putHold(HoldRecord h) {
    overlay(holds, h.id(), h);
    overlay(keys, LedgerState.holdKey(h.requester(), h.idempotencyKey()), h.id());
    appendChange(holdChanges, h);
  }

  void useNonce(NonceUse nonce) {
    overlay(nonces, nonce.key(), nonce.signedAt());
    appendChange(nonceChanges, nonce);
  }

  private <K, V> void overlay(Map<K, V> map, K key, V value) {
    boolean had = map.containsKey(key);
    V previous = map.put(key, value);
    undo.addLast(() -> {
      if (had) {
        map.put(key, previous);
      } else {
        map.remove(key);
      }
    });
  }

  private <T> void appendChange(List<T> list, T change) {
    list.add(change);
    undo.addLast(() -> list.remove(list.size() - 1));
  }
}
