package io.acquire.services.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.acquire.client.Money;
import io.acquire.client.wire.StorageWire.FileVersion;
import io.acquire.client.wire.StorageWire.StorageCharge;
import io.acquire.services.accounting.LedgerBilling;
import io.acquire.services.http.ApiException;
import io.acquire.services.storage.Drives.DriveRecord;
import io.acquire.services.storage.Drives.Version;
import io.acquire.services.storage.StoragePayments.Paid;
import io.acquire.services.storage.StoragePayments.Segment;
import io.acquire.services.store.JsonObjects;
import io.acquire.services.store.MemoryObjectStore;
import io.acquire.services.testing.MutableClock;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Storage paid ahead on a real ledger: the arithmetic of charges and refunds, freezing and
 * the sweep, and (with a seeded random generator) that any sequence of uploads, extensions,
 * deletions and archivals leaves the books exact and never refunds more than was paid.
 */
class StoragePaymentsTest {
  private static final long MIB = 1024 * 1024;
  private static final long CREDIT = 1_000_000_000L;

  /** One world: a store, a ledger, a drive of ada's paid from her account. */
  private static final class World implements AutoCloseable {
    final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    final MemoryObjectStore store = new MemoryObjectStore();
    final JsonObjects objects = new JsonObjects(store);
    final LedgerBilling billing = new LedgerBilling(store, clock, CREDIT);
    final Drives drives = new Drives(objects, clock);
    final StoragePayments payments;
    final String account = billing.openAccount("ada", "main");
    final String second = billing.openAccount("ada", "second");
    DriveRecord drive;
    int writes;

    World(String perGibYear, String archivePerGib) {
      billing.transfer("ada", account, second, CREDIT / 2);
      payments = new StoragePayments(drives, objects, clock, billing, new StoragePrices("GBP",
          Money.of(perGibYear, "GBP"), Money.of(archivePerGib, "GBP"), Duration.ofDays(30), Duration.ofDays(30)));
      drive = drives.open("ada", "data", account);
    }

    /** What the storage service does for a small write: hold, write, settle. */
    FileVersion upload(String path, int size) throws IOException {
      payments.requireWritable(drive);
      String key = "w_" + (writes++);
      payments.holdFor(drive, key, path, size, clock.instant().plus(Duration.ofHours(1)));
      FileVersion version = drives.write(drive, path, new ByteArrayInputStream(new byte[size]), size);
      payments.paidUpload(drive, key, version, drives.version(drive, path, version.version()).upload());
      return version;
    }

    Version version(FileVersion v) {
      return drives.version(drive, v.path(), v.version());
    }

    List<Paid> paid() {
      List<Paid> all = new ArrayList<>();
      for (String key : store.list(StoragePayments.PAID)) {
        objects.get(key, Paid.class).ifPresent(all::add);
      }
      return all;
    }

    /** The books agree with storage's records, to the penny, and the ledger's own checks pass. */
    void assertExact() {
      billing.verify();
      assertEquals(0, billing.sumOfBalancesMinor(), "balances sum to zero");
      Map<String, Long> netByAccount = new HashMap<>();
      for (Paid paid : paid()) {
        for (Segment s : paid.segments()) {
          assertTrue(s.refundedMinor() >= 0 && s.refundedMinor() <= s.paidMinor(),
              "a refund of " + s.refundedMinor() + " for a period paid " + s.paidMinor());
          if (s.refundedAt() != null) {
            assertEquals(StoragePrices.unused(s.paidMinor(), s.from(), s.until(), s.refundedAt()), s.refundedMinor(),
                "refunded the unused part, rounded down");
          }
          netByAccount.merge(s.account(), s.paidMinor() - s.refundedMinor(), Long::sum);
        }
      }
      assertEquals(netByAccount.getOrDefault(account, 0L), CREDIT / 2 - billing.balanceMinor(account),
          "what left the first account is what storage records it paid, less refunds");
      assertEquals(netByAccount.getOrDefault(second, 0L), CREDIT / 2 - billing.balanceMinor(second),
          "likewise for the second account");
    }

    @Override
    public void close() {
      billing.close();
    }
  }

  @Test
  void anUploadIsChargedAYearAheadAndItsDeletionHalfWayRefundsHalfRoundedDown() throws IOException {
    try (World w = new World("1000.00", "0.00")) {
      FileVersion v = w.upload("a.bin", (int) MIB); // 1000.00 / 1024 = 97.65625p, rounded up to 0.98
      assertEquals(CREDIT / 2 - 98, w.billing.balanceMinor(w.account));
      assertTrue(w.billing.lines(w.account).stream().anyMatch(l -> l.startsWith("capture -98 storage: drive data, "
          + "a.bin v1, 1048576 bytes, 2026-01-01 to 2027-01-01")), w.billing.lines(w.account).toString());
      w.clock.advance(StoragePrices.YEAR.dividedBy(2));
      StorageCharge charge = w.payments.delete(w.drive, List.of(w.version(v)));
      assertEquals(Money.of("0.49", "GBP"), charge.refunded());
      assertEquals(CREDIT / 2 - 49, w.billing.balanceMinor(w.account));
      assertTrue(w.billing.lines(w.account).stream().anyMatch(l -> l.startsWith("credit 49 storage refund: drive data,"
          + " a.bin v1 deleted, unused 2026-07-02 to 2027-01-01")), w.billing.lines(w.account).toString());
      assertThrows(ApiException.class, () -> w.version(v), "the version is gone");
      w.assertExact();
    }
  }

  @Test
  void aDeletionWhileAnExtensionIsBeingPaidRefundsTheWholeExtension() throws IOException {
    try (World w = new World("1000.00", "0.00")) {
      FileVersion v = w.upload("a.bin", (int) MIB); // 0.98 a year
      w.clock.advance(StoragePrices.YEAR.dividedBy(2));
      w.billing.afterNextStorageSettle(() -> w.payments.delete(w.drive, List.of(w.version(v))));
      StorageCharge extension = w.payments.extend(w.drive, 1, "race");
      assertEquals(Money.of("0.98", "GBP"), extension.charged());
      assertEquals(Money.of("0.98", "GBP"), extension.refunded(), "the file went before any of the new year began");
      assertEquals(CREDIT / 2 - 49, w.billing.balanceMinor(w.account), "kept: half the first year, rounded");
      w.assertExact();
    }
  }

  @Test
  void aDriveFreezesWhenItsPaidTimeEndsWithNoticeBeforeAndItsUnpaidFilesAreSweptAfterTheGrace() throws IOException {
    try (World w = new World("1.00", "0.00")) {
      FileVersion v = w.upload("a.txt", 1000);
      assertNull(w.payments.standing(w.drive).notice());
      w.clock.advance(StoragePrices.YEAR.minus(Duration.ofDays(10)));
      StoragePayments.Standing soon = w.payments.standing(w.drive);
      assertFalse(soon.frozen());
      assertNotNull(soon.notice(), "ten days before, the owner is told");
      w.clock.advance(Duration.ofDays(10));
      assertTrue(w.payments.standing(w.drive).frozen());
      ApiException refused = assertThrows(ApiException.class, () -> w.payments.requireWritable(w.drive));
      assertEquals(409, refused.status());
      w.payments.requireReadable(w.drive, w.version(v)); // still downloadable
      w.clock.advance(Duration.ofDays(29));
      assertEquals(0, w.payments.sweep(), "within the grace period nothing is deleted");
      w.clock.advance(Duration.ofDays(1));
      assertEquals(1, w.payments.sweep());
      assertTrue(w.drives.get(w.drive.id()).isEmpty(), "the emptied drive is deleted too");
      w.assertExact();
    }
  }

  @Test
  void extendingUnfreezesTheDriveAndARepeatOfTheSameExtensionPaysOnce() throws IOException {
    try (World w = new World("1000.00", "0.00")) {
      w.upload("a.bin", (int) MIB);
      w.clock.advance(StoragePrices.YEAR.plusDays(1));
      assertTrue(w.payments.standing(w.drive).frozen());
      StorageCharge first = w.payments.extend(w.drive, 2, "k1");
      StorageCharge again = w.payments.extend(w.drive, 2, "k1");
      assertEquals(Money.of("1.96", "GBP"), first.charged());
      assertEquals(first.charged(), again.charged());
      assertEquals(CREDIT / 2 - 98 - 196, w.billing.balanceMinor(w.account), "the repeat moved nothing");
      assertFalse(w.payments.standing(w.drive).frozen());
      assertEquals(Instant.parse("2026-01-01T00:00:00Z").plus(StoragePrices.YEAR.multipliedBy(3)),
          w.payments.standing(w.drive).paidUntil());
      w.assertExact();
    }
  }

  @Test
  void archivingPaysOnceRefundsTheUnusedYearAndTheFileMustBeRestoredToBeRead() throws IOException {
    try (World w = new World("1000.00", "2000.00")) {
      FileVersion v = w.upload("a.bin", (int) MIB);
      w.clock.advance(StoragePrices.YEAR.dividedBy(4));
      StorageCharge archived = w.payments.archive(w.drive, "");
      assertEquals(Money.of("1.96", "GBP"), archived.charged());
      assertEquals(Money.of("0.73", "GBP"), archived.refunded(), "three quarters of 0.98, rounded down");
      assertTrue(w.store.list("storage/chunks/" + w.version(v).upload() + "/").isEmpty(), "moved out of the standard tier");
      assertFalse(w.store.list("storage/archive/" + w.version(v).upload() + "/").isEmpty());
      assertEquals(409, assertThrows(ApiException.class, () -> w.payments.requireReadable(w.drive, w.version(v)))
          .status());
      assertEquals(Money.of("0.00", "GBP"), w.payments.archive(w.drive, "").charged(), "archiving again pays nothing");
      w.payments.restore(w.drive, w.version(v));
      w.payments.requireReadable(w.drive, w.version(v));
      assertEquals(MIB, w.drives.open(w.version(v), 0).readAllBytes().length);
      w.clock.advance(StoragePayments.RESTORED_FOR);
      w.payments.sweep();
      assertTrue(w.store.list("storage/chunks/" + w.version(v).upload() + "/").isEmpty(), "the restored copy is dropped");
      assertFalse(w.payments.standing(w.drive).frozen(), "archived files never freeze a drive");
      w.assertExact();
    }
  }

  @Test
  void anAbortedUploadReleasesItsHoldAndANamedAccountIsNeededOnlyWhenStorageCostsSomething() throws IOException {
    try (World w = new World("1000.00", "0.00")) {
      w.payments.holdFor(w.drive, "gone", "a.bin", (int) MIB, w.clock.instant().plusSeconds(3600));
      w.payments.release(w.drive, "gone");
      assertEquals(CREDIT / 2, w.billing.balanceMinor(w.account));
      DriveRecord unpaid = w.drives.open("ada", "nobody pays");
      ApiException refused = assertThrows(ApiException.class,
          () -> w.payments.holdFor(unpaid, "x", "a.bin", 10, w.clock.instant().plusSeconds(3600)));
      assertEquals(409, refused.status());
      w.assertExact();
    }
    try (World free = new World("0.00", "0.00")) {
      DriveRecord unpaid = free.drives.open("ada", "nobody pays");
      free.payments.holdFor(unpaid, "x", "a.bin", 10, free.clock.instant().plusSeconds(3600));
    }
  }

  @Test
  void anySequenceOfUploadsExtensionsDeletionsAndArchivalsLeavesTheBooksExact() throws IOException {
    String[] prices = {"0.07", "1.00", "333.33", "999.99", "12345.67"};
    String[] paths = {"a", "b", "d/c", "d/e", "d/f/g"};
    long refunds = 0;
    long archived = 0;
    for (int seed = 0; seed < 60; seed++) {
      Random random = new Random(seed);
      try (World w = new World(prices[random.nextInt(prices.length)], prices[random.nextInt(prices.length)])) {
        for (int step = 0; step < 40; step++) {
          int op = random.nextInt(10);
          List<Version> all = w.drives.allVersions(w.drive, "");
          if (op <= 2) {
            try {
              w.upload(paths[random.nextInt(paths.length)], random.nextInt(300_000));
            } catch (ApiException frozen) {
              assertEquals(409, frozen.status()); // writes to a frozen drive are refused by the service first
            }
          } else if (op == 3) {
            w.clock.advance(Duration.ofHours(random.nextInt(24 * 500)));
          } else if (op == 4) {
            String key = "k" + random.nextInt(5); // keys repeat: a repeat pays once
            w.payments.extend(w.drive, 1 + random.nextInt(3), key);
          } else if (op == 5 && !all.isEmpty()) {
            w.payments.delete(w.drive, List.of(all.get(random.nextInt(all.size()))));
          } else if (op == 6 && !all.isEmpty()) {
            w.payments.delete(w.drive, w.drives.allVersions(w.drive, "d"));
          } else if (op == 7) {
            w.payments.archive(w.drive, random.nextBoolean() ? "" : "d");
          } else if (op == 8) {
            w.drive = w.drives.setAccount(w.drive, random.nextBoolean() ? w.account : w.second);
          } else if (op == 9) {
            w.payments.sweep();
            if (w.drives.get(w.drive.id()).isEmpty()) {
              w.drive = w.drives.open("ada", "data", w.drive.account());
            }
          }
        }
        archived += w.paid().stream().filter(p -> p.tier().equals(StoragePayments.ARCHIVE)).count();
        refunds += w.payments.deleteDrive(w.drive).refunded().minorUnits();
        refunds += w.paid().stream().mapToLong(Paid::refundedMinor).sum();
        w.assertExact();
      }
    }
    assertTrue(refunds > 0 && archived > 0, "the sequences refunded and archived something");
  }
}
