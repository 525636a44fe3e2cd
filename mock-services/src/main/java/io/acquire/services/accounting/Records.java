package io.acquire.services.accounting;

import java.time.Instant;

/** What the ledger stores besides journals. */
final class Records {
  private Records() {}

  /**
   * An account's fixed facts and limits.
   *
   * @param dailyCapMinor null when there is no cap
   */
  record AccountMeta(String id, String owner, String name, String currency, long overdraftMinor, Long dailyCapMinor,
      Instant createdAt) {}

  /**
   * A transfer's intent, written before any money moves. Its status is the truth that the
   * journals converge to: {@code pending} (maybe debited), {@code debited}, {@code completed},
   * or {@code failed} (any debit is reversed).
   *
   * @param fromStartSeq and {@code toStartSeq}: journal positions before the transfer, where
   *     a search for its lines starts
   * @param holdId set for a capture: the debit consumes this hold
   * @param debitSeq and {@code creditSeq}: the journal lines that did it, once completed (else -1)
   */
  record Transfer(String id, String requester, String from, String to, long amountMinor, String currency,
      String holdId, String description, Instant createdAt, long fromStartSeq, long toStartSeq, String status,
      String reason, long debitSeq, long creditSeq) {

    Transfer withStatus(String newStatus, String newReason) {
      return new Transfer(id, requester, from, to, amountMinor, currency, holdId, description, createdAt,
          fromStartSeq, toStartSeq, newStatus, newReason, debitSeq, creditSeq);
    }

    Transfer completed(long debit, long credit) {
      return new Transfer(id, requester, from, to, amountMinor, currency, holdId, description, createdAt,
          fromStartSeq, toStartSeq, "completed", null, debit, credit);
    }

    boolean sameRequest(Transfer other) {
      return from.equals(other.from) && to.equals(other.to) && amountMinor == other.amountMinor
          && java.util.Objects.equals(holdId, other.holdId);
    }
  }

  /** Where a hold lives and what it was asked for; its state is in the account's journal. */
  record Hold(String id, String requester, String account, long amountMinor, Instant expiresAt, long startSeq,
      Instant createdAt, String description) {}
}
