package io.acquire.client;

import io.acquire.client.wire.StorageWire;
import java.time.Instant;

/**
 * What one file version has paid for: one line of {@link Drive#payments()}.
 *
 * @param account the paying account
 * @param tier {@code standard} or {@code archive}
 * @param paidUntil when its paid period ends
 * @param paid what was paid in total
 * @param refunded what was refunded in total
 * @param restoredUntil for an archived version restored for reading, until when; else null
 * @param deletedAt when it was deleted, or null
 */
public record StoragePayment(String path, long version, long size, String account, String tier, Instant paidUntil,
    Money paid, Money refunded, Instant restoredUntil, Instant deletedAt) {

  static StoragePayment from(StorageWire.Payment w) {
    return new StoragePayment(w.path(), w.version(), w.size(), w.account(), w.tier(), w.paidUntil(), w.paid(),
        w.refunded(), w.restoredUntil(), w.deletedAt());
  }
}
