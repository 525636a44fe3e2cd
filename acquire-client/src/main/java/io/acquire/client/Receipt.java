package io.acquire.client;

import io.acquire.client.wire.AccountingWire;
import java.time.Instant;

/**
 * A transfer or capture that happened, as the accounting service signed it: what
 * {@link Account#transferTo} and {@link Account.Hold#capture} return.
 *
 * @param id the transfer's id, as it appears in both accounts' statements
 * @param from the account debited
 * @param to the account credited
 * @param debitSeq where it stands in the debited account's journal
 * @param creditSeq where it stands in the credited account's journal
 * @param signature the service's Ed25519 signature over the receipt, base64url (see docs/protocol.md)
 */
public record Receipt(String id, String from, String to, Money amount, Instant at, long debitSeq, long creditSeq,
    String signature) {

  static Receipt from(AccountingWire.SignedReceipt signed) {
    AccountingWire.Receipt r = signed.receipt();
    return new Receipt(r.id(), r.from(), r.to(), r.amount(), r.at(), r.debitSeq(), r.creditSeq(), signed.signature());
  }
}
