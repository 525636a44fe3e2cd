package io.acquire.services.accounting;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** What the ledger's log holds: every change is written as the new state of what it changed. */
final class Records {
  private Records() {}

  /**
   * An account's fixed facts and limits.
   *
   * @param dailyCapMinor null when there is no cap
   */
  /**
   * @param overdraftGrantMinor the operator's grant in force when the limits were last set (null for the
   *     operator's own accounts and accounts of earlier versions): the batch that records the limits shows
   *     what allowed them
   */
  /**
   * @param delegation set for a sub-account that {@code owner} funds for a member to spend; null otherwise
   */
  record AccountMeta(String id, String owner, String name, String currency, long overdraftMinor, Long dailyCapMinor,
      Instant createdAt, Long overdraftGrantMinor, Delegation delegation) {

    /** An ordinary account. */
    AccountMeta(String id, String owner, String name, String currency, long overdraftMinor, Long dailyCapMinor,
        Instant createdAt, Long overdraftGrantMinor) {
      this(id, owner, name, currency, overdraftMinor, dailyCapMinor, createdAt, overdraftGrantMinor, null);
    }

    AccountMeta withLimits(long overdraft, Long dailyCap, long grant) {
      return new AccountMeta(id, owner, name, currency, overdraft, dailyCap, createdAt, grant, delegation);
    }

    AccountMeta withDelegation(Delegation changed) {
      return new AccountMeta(id, owner, name, currency, overdraftMinor, dailyCapMinor, createdAt, overdraftGrantMinor,
          changed);
    }
  }

  /**
   * A transfer or capture that happened, kept for its idempotency key.
   *
   * @param idempotencyKey null for the ledger's own transfers (demo credit, captures)
   * @param holdId set for a capture: the hold it consumed
   * @param debitSeq and {@code creditSeq}: its lines in the two accounts' journals
   */
  record TransferRecord(String id, String requester, String idempotencyKey, String from, String to, long amountMinor,
      String holdId, String description, Instant at, long debitSeq, long creditSeq) {

    boolean sameRequest(String otherFrom, String otherTo, long otherAmount) {
      return from.equals(otherFrom) && to.equals(otherTo) && amountMinor == otherAmount;
    }
  }

  /**
   * A hold and what became of it.
   *
   * @param outcome null while it stands, then {@code captured} or {@code voided}; a hold
   *     that stands past {@code expiresAt} has expired without any record changing
   * @param captureId the transfer that captured it
   */
  record HoldRecord(String id, String requester, String idempotencyKey, String account, long amountMinor,
      Instant expiresAt, String description, Instant createdAt, String outcome, long capturedMinor, String captureId,
      Instant endedAt) {

    static final String CAPTURED = "captured";
    static final String VOIDED = "voided";

    /** {@code active}, {@code expired}, {@code captured} or {@code voided} at {@code now}. */
    String status(Instant now) {
      if (outcome != null) {
        return outcome;
      }
      return expiresAt.isAfter(now) ? "active" : "expired";
    }

    HoldRecord ended(String how, long captured, String transferId, Instant at) {
      return new HoldRecord(id, requester, idempotencyKey, account, amountMinor, expiresAt, description, createdAt,
          how, captured, transferId, at);
    }

    /** When it stopped mattering: ended, or expired. */
    Instant over() {
      return endedAt != null ? endedAt : expiresAt;
    }
  }

  /**
   * One line of one account's journal, as it appears in the log.
   *
   * @param previousBatch the log position of the account's line before this one (-1 for its
   *     first), so a statement walks back through the log without an index
   */
  record Line(String account, long previousBatch, Entry entry) {}

  /** A signed request's nonce, recorded with the change the request made, so a replay is refused. */
  record NonceUse(String key, long signedAt) {}

  /**
   * One commit of the log: everything the requests in it changed, written with one
   * conditional put. {@code previousHash} is the SHA-256 of the previous batch's stored
   * bytes, so the log is a hash chain from its first batch.
   */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  record Batch(long seq, Instant at, String previousHash, List<AccountMeta> accounts, List<Line> lines,
      List<TransferRecord> transfers, List<HoldRecord> holds, List<NonceUse> nonces) {

    Batch {
      Objects.requireNonNull(at, "at == null");
      previousHash = previousHash == null ? "" : previousHash;
      accounts = accounts == null ? List.of() : accounts;
      lines = lines == null ? List.of() : lines;
      transfers = transfers == null ? List.of() : transfers;
      holds = holds == null ? List.of() : holds;
      nonces = nonces == null ? List.of() : nonces;
    }
  }

  /**
   * An account's current state.
   *
   * @param batch the log position of its newest line
   */
  record AccountState(AccountMeta meta, Entry latest, long batch) {}

  /**
   * The whole state as of batch {@code seq}, so a process starting up replays only the
   * batches after it. Derived from the log; any process may write one.
   */
  record Checkpoint(long seq, Instant at, String hash, List<AccountState> accounts, List<TransferRecord> transfers,
      List<HoldRecord> holds, List<NonceUse> nonces) {}
}
