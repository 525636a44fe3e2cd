package io.acquire.client;

import io.acquire.client.wire.AccountingWire;
import java.time.Instant;

/**
 * One line of an account's append-only journal, as {@link Account#statement()} lists it.
 * Each line's {@code hash} chains it to the line before, so a changed line shows.
 *
 * @param seq its place in the journal, from 1
 * @param kind what happened, such as {@code credit}, {@code transfer}, {@code hold} or {@code capture}
 * @param amount the change to the balance (negative for money out; zero for a hold)
 * @param balance the balance after it
 * @param reference the transfer, hold or job it belongs to
 * @param counterparty the other account, if any
 * @param held for a {@code hold} line, the amount it reserved; null on other lines
 */
public record StatementLine(long seq, Instant at, String kind, Money amount, Money balance, String reference,
    String counterparty, String description, String previousHash, String hash, Money held) {

  static StatementLine from(AccountingWire.StatementLine w) {
    return new StatementLine(w.seq(), w.at(), w.kind(), w.amount(), w.balance(), w.reference(), w.counterparty(),
        w.description(), w.previousHash(), w.hash(), w.held());
  }
}
