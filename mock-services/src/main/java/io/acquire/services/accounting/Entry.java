package io.acquire.services.accounting;

import io.acquire.client.wire.Json;
import io.acquire.client.wire.RequestSignature;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One line of an account's journal, carrying the account's whole state after it, so the
 * newest line is the account. Lines are never rewritten: writing line N+1 with a
 * conditional put is the atomic commit of every change, across processes.
 *
 * @param amountMinor the signed change to the balance, in minor units
 * @param spentDay and {@code spentMinor}: what left the account on that UTC day
 * @param holds active holds by id; expired ones are dropped when the next line is written
 * @param hash SHA-256 of the previous line's hash and this line without its hash
 */
record Entry(
    long seq,
    Instant at,
    String kind,
    long amountMinor,
    long balanceMinor,
    String reference,
    String counterparty,
    String description,
    LocalDate spentDay,
    long spentMinor,
    SortedMap<String, HoldState> holds,
    String previousHash,
    String hash) {

  record HoldState(long amountMinor, Instant expiresAt) {}

  static Entry open(Instant at) {
    return sealed(new Entry(0, at, "open", 0, 0, null, null, "account opened", day(at), 0, new TreeMap<>(), "", null));
  }

  long heldMinor(Instant now) {
    return holds.values().stream().filter(h -> h.expiresAt().isAfter(now)).mapToLong(HoldState::amountMinor).sum();
  }

  long spentOn(Instant now) {
    return day(now).equals(spentDay) ? spentMinor : 0;
  }

  /** The next line: a balance change, spending, and hold changes applied to this line's state. */
  Entry next(Instant at, String kind, long delta, long spent, String reference, String counterparty,
      String description, SortedMap<String, HoldState> newHolds) {
    SortedMap<String, HoldState> live = new TreeMap<>();
    newHolds.forEach((id, hold) -> {
      if (hold.expiresAt().isAfter(at)) {
        live.put(id, hold);
      }
    });
    long spentBefore = spentOn(at);
    return sealed(new Entry(seq + 1, at, kind, delta, Math.addExact(balanceMinor, delta), reference, counterparty,
        description, day(at), spentBefore + spent, live, hash, null));
  }

  SortedMap<String, HoldState> holdsCopy() {
    return new TreeMap<>(holds);
  }

  boolean chainsFrom(Entry previous) {
    return previous.hash.equals(previousHash) && hash.equals(hashOf(this));
  }

  private static Entry sealed(Entry e) {
    return new Entry(e.seq, e.at, e.kind, e.amountMinor, e.balanceMinor, e.reference, e.counterparty, e.description,
        e.spentDay, e.spentMinor, e.holds, e.previousHash, hashOf(e));
  }

  private static String hashOf(Entry e) {
    Entry unsealed = new Entry(e.seq, e.at, e.kind, e.amountMinor, e.balanceMinor, e.reference, e.counterparty,
        e.description, e.spentDay, e.spentMinor, e.holds, e.previousHash, null);
    return RequestSignature.sha256Hex((e.previousHash + "\n" + Json.writeString(unsealed)).getBytes(StandardCharsets.UTF_8));
  }

  private static LocalDate day(Instant at) {
    return LocalDate.ofInstant(at, ZoneOffset.UTC);
  }
}
