package io.acquire.client;

import io.acquire.client.wire.StorageWire;

/**
 * What a storage change on a {@link Drive} paid or refunded.
 *
 * @param versions how many file versions it touched
 * @param charged what the paying account was charged
 * @param refunded what went back to the accounts that paid
 */
public record StorageCharge(int versions, Money charged, Money refunded) {

  static StorageCharge from(StorageWire.StorageCharge w) {
    return new StorageCharge(w.versions(), w.charged(), w.refunded());
  }
}
