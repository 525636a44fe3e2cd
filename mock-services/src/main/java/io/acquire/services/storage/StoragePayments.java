package io.acquire.services.storage;

import io.acquire.client.Money;
import io.acquire.client.wire.RequestSignature;
import io.acquire.client.wire.StorageWire.FileVersion;
import io.acquire.client.wire.StorageWire.Payment;
import io.acquire.client.wire.StorageWire.StorageCharge;
import io.acquire.services.accounting.Billing;
import io.acquire.services.http.ApiException;
import io.acquire.services.storage.Drives.DriveRecord;
import io.acquire.services.storage.Drives.Upload;
import io.acquire.services.storage.Drives.Version;
import io.acquire.services.store.JsonObjects;
import io.acquire.services.store.ObjectStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Storage paid ahead through the ledger. Each file version keeps a record of what paid for
 * it ({@link Paid}): periods ({@link Segment}), each paid once from one account by one
 * capture, and refunded at most once, pro rata and rounded down ({@link
 * StoragePrices#unused}), so refunds never add up to more than was paid.
 *
 * <p>Every ledger change has a key derived from what it pays for (the upload, the version
 * and period, the extension's key), and the record says what was decided before money
 * moves, so a request repeated after a crash or a lost answer moves money once.
 */
public final class StoragePayments {
  static final String STANDARD = "standard";
  static final String ARCHIVE = "archive";
  /** How long an archived version stays readable once restored. */
  static final Duration RESTORED_FOR = Duration.ofDays(7);
  /** The most years one extension may buy. */
  static final int MAX_EXTENSION_YEARS = 15;

  /**
   * One paid period of a version.
   *
   * @param kind {@code year} (the standard tier) or {@code archive}
   * @param account who paid, and who gets the refund
   * @param refundedAt when its unused part was refunded (the period ended there); null until then
   */
  record Segment(String kind, String account, Instant from, Instant until, long paidMinor, long refundedMinor,
      Instant refundedAt, String reference) {
    Instant end() {
      return refundedAt != null && refundedAt.isBefore(until) ? refundedAt : until;
    }

    Segment refunded(Instant at, long minor) {
      return new Segment(kind, account, from, until, paidMinor, minor, at, reference);
    }
  }

  /** What paid for one file version; kept after the version is deleted, as the books' other half. */
  record Paid(String drive, String path, long version, long size, String upload, String tier,
      List<Segment> segments, Instant restoredUntil, Instant deletedAt) {
    /** When its paid time ends; null if nothing was ever paid (a version older than storage payments). */
    Instant paidUntil() {
      return segments.stream().map(Segment::end).max(Comparator.naturalOrder()).orElse(null);
    }

    long paidMinor() {
      return segments.stream().mapToLong(Segment::paidMinor).sum();
    }

    long refundedMinor() {
      return segments.stream().mapToLong(Segment::refundedMinor).sum();
    }

    boolean live() {
      return deletedAt == null;
    }

    Paid with(String tier, List<Segment> segments, Instant restoredUntil, Instant deletedAt) {
      return new Paid(drive, path, version, size, upload, tier, List.copyOf(segments), restoredUntil, deletedAt);
    }
  }

  /** The hold placed when an upload started, settled when it completes. */
  record UploadHold(String upload, String hold, String account, long amountMinor) {}

  /** Where a drive stands: see {@link io.acquire.client.wire.StorageWire.DriveInfo}. */
  record Standing(Instant paidUntil, boolean frozen, String notice, Instant deletesAt, String unpaid) {}

  private final Drives drives;
  private final JsonObjects objects;
  private final ObjectStore store;
  private final Clock clock;
  private final Billing billing;
  private final StoragePrices prices;

  StoragePayments(Drives drives, JsonObjects objects, Clock clock, Billing billing, StoragePrices prices) {
    this.drives = drives;
    this.objects = objects;
    this.store = objects.store();
    this.clock = clock;
    this.billing = billing;
    this.prices = prices;
  }

  StoragePrices prices() {
    return prices;
  }

  // The paying account ----------------------------------------------------------------------

  /** The account named for a new drive or a change of payer must be the owner's. */
  String requireOwned(String owner, String account) {
    return billing.requireOwned(owner, account);
  }

  DriveRecord setAccount(DriveRecord drive, String account) {
    return drives.setAccount(drive, requireOwned(drive.owner(), account));
  }

  // Standing ------------------------------------------------------------------------------

  /** The drive's paid period (the earliest end among its standard-tier files), and what follows from it. */
  Standing standing(DriveRecord drive) {
    Paid earliest = null;
    for (Paid paid : paidOf(drive)) {
      if (paid.live() && paid.tier().equals(STANDARD) && paid.paidUntil() != null
          && (earliest == null || paid.paidUntil().isBefore(earliest.paidUntil()))) {
        earliest = paid;
      }
    }
    if (earliest == null) {
      return new Standing(null, false, null, null, null);
    }
    Instant until = earliest.paidUntil();
    Instant now = clock.instant();
    Instant deletesAt = until.plus(prices.grace());
    String unpaid = earliest.path() + " v" + earliest.version();
    boolean frozen = !now.isBefore(until);
    String notice = null;
    if (frozen) {
      notice = "Storage paid for " + unpaid + " ended at " + until + ": drive " + drive.name() + " is read-only, "
          + "and its unpaid files are deleted at " + deletesAt + " unless you extend it or delete them.";
    } else if (!now.isBefore(until.minus(prices.notice()))) {
      notice = "Storage paid for " + unpaid + " ends at " + until + ": extend drive " + drive.name()
          + " before then, or it becomes read-only and its unpaid files are deleted at " + deletesAt + ".";
    }
    return new Standing(until, frozen, notice, deletesAt, unpaid);
  }

  /** A 409 if the drive is frozen: writes wait for an extension (or the deletion of unpaid files). */
  void requireWritable(DriveRecord drive) {
    Standing standing = standing(drive);
    if (standing.frozen()) {
      throw ApiException.conflict("Drive " + drive.name() + " is frozen: storage paid for " + standing.unpaid()
          + " ended at " + standing.paidUntil() + ". It stays readable; extend it (POST /drives/" + drive.id()
          + "/extend) or delete the unpaid files to write again. Unpaid files are deleted at "
          + standing.deletesAt() + ".");
    }
  }

  // Uploads -------------------------------------------------------------------------------

  /**
   * Holds a year's storage of {@code size} bytes on the drive's account while an upload (or
   * a write, {@code key} naming it) is under way; nothing for a job's output drive, which
   * its job pays for. A 409 if the price is not zero and the drive names no account.
   */
  void holdFor(DriveRecord drive, String key, String path, long size, Instant expiresAt) {
    if (drive.readOnly()) {
      return;
    }
    long amount = prices.yearsMinor(size, 1);
    if (amount > 0 && drive.account() == null) {
      throw ApiException.conflict("Drive " + drive.name() + " names no account to pay for its storage ("
          + money(amount) + " a year for this file); name one (PUT /drives/" + drive.id() + "/account).");
    }
    String hold = amount == 0 ? null : billing.storageHold(drive.owner(), drive.account(), money(amount), expiresAt,
        "storage held: drive " + drive.name() + ", " + path + ", " + size + " bytes for 1 year", "storage-upload:" + key);
    // key names one upload or write, drawn at random.
    if (!objects.putNew(holdKey(key), new UploadHold(key, hold, drive.account(), amount))) {
      throw new IllegalStateException("upload " + key + " was held for twice");
    }
  }

  /** Gives back an unfinished upload's hold (aborted, or failed before it was published). */
  void release(DriveRecord drive, String key) {
    Optional<UploadHold> held = objects.get(holdKey(key), UploadHold.class);
    if (held.isPresent() && held.get().hold() != null) {
      billing.storageSettle(held.get().hold(), Money.zero(prices.currency()), "storage upload abandoned: drive "
          + drive.name());
    }
    store.delete(holdKey(key));
  }

  /**
   * Settles the upload's hold for the version it became (a year from now) and records what
   * paid for it. Doing it again changes nothing.
   *
   * @param upload the upload whose chunks are the version's bytes
   */
  void paidUpload(DriveRecord drive, String key, FileVersion version, String upload) {
    String paidKey = paidKey(drive.id(), version.path(), version.version());
    if (drive.readOnly()) {
      return;
    }
    // Two reads, each a round trip to the store: side by side.
    java.util.concurrent.CompletableFuture<Optional<UploadHold>> holding =
        SideBySide.start(() -> objects.get(holdKey(key), UploadHold.class));
    if (objects.get(paidKey, Paid.class).isPresent()) {
      return;
    }
    Optional<UploadHold> held = SideBySide.joined(holding);
    if (held.isEmpty()) {
      return; // started before storage was paid for: nothing was held
    }
    Instant from = clock.instant();
    Instant until = from.plus(StoragePrices.YEAR);
    long charged = 0;
    if (held.get().hold() != null) {
      long amount = Math.min(prices.yearsMinor(version.size(), 1), held.get().amountMinor());
      charged = billing.storageSettle(held.get().hold(), money(amount), "storage: drive " + drive.name() + ", "
          + version.path() + " v" + version.version() + ", " + version.size() + " bytes, " + period(from, until))
          .minorUnits();
    }
    objects.putIfAbsent(paidKey, new Paid(drive.id(), version.path(), version.version(), version.size(),
        upload, STANDARD,
        List.of(new Segment("year", held.get().account(), from, until, charged, 0, null, "upload:" + key)), null,
        null));
    store.delete(holdKey(key));
  }

  // Job outputs ---------------------------------------------------------------------------

  /** What a year of the output drive's files would cost now. */
  long yearOfOutputs(DriveRecord drive) {
    return drives.allVersions(drive, "").stream().mapToLong(v -> prices.yearsMinor(v.size(), 1)).sum();
  }

  /**
   * Records that the job paid {@code chargedMinor} (at most {@link #yearOfOutputs}, capped by
   * its quote) from {@code account} for a year of its outputs, shared among the versions in
   * proportion to their price, rounded down, the remainder a minor unit each to the first, so
   * the shares add up to the charge exactly. Names the account as the drive's payer.
   */
  void paidOutputs(DriveRecord drive, String account, long chargedMinor, String jobId) {
    List<Version> versions = drives.allVersions(drive, "");
    versions.sort(Comparator.comparing(Version::path).thenComparingLong(Version::version));
    long full = versions.stream().mapToLong(v -> prices.yearsMinor(v.size(), 1)).sum();
    if (chargedMinor > full) {
      throw ApiException.badRequest("A job cannot pay " + money(chargedMinor) + " for outputs whose year costs "
          + money(full) + ".");
    }
    long[] shares = new long[versions.size()];
    long given = 0;
    for (int i = 0; i < shares.length; i++) {
      long price = prices.yearsMinor(versions.get(i).size(), 1);
      shares[i] = full == 0 ? 0 : java.math.BigInteger.valueOf(price).multiply(java.math.BigInteger.valueOf(chargedMinor))
          .divide(java.math.BigInteger.valueOf(full)).longValueExact();
      given += shares[i];
    }
    for (int i = 0; given < chargedMinor; i++) {
      shares[i]++;
      given++;
    }
    Instant from = clock.instant();
    for (int i = 0; i < shares.length; i++) {
      Version v = versions.get(i);
      objects.putIfAbsent(paidKey(drive.id(), v.path(), v.version()), new Paid(drive.id(), v.path(), v.version(),
          v.size(), v.upload(), STANDARD, List.of(new Segment("year", account, from, from.plus(StoragePrices.YEAR),
              shares[i], 0, null, "job:" + jobId)), null, null));
    }
    if (drive.account() == null) {
      drives.setAccount(drive, account);
    }
  }

  // Deleting ------------------------------------------------------------------------------

  /**
   * Deletes the versions chosen and refunds the unused paid time of each to the account that
   * paid it. The refund is decided and recorded before money moves, so a repeat refunds the
   * same amount once.
   */
  StorageCharge delete(DriveRecord drive, List<Version> versions) {
    long refunded = 0;
    for (Version version : versions) {
      refunded += deleteOne(drive, version);
    }
    return new StorageCharge(versions.size(), money(0), money(refunded));
  }

  /**
   * What {@link #delete} would refund if called now, changing nothing: the figure a person
   * sees before confirming. A deletion moments later refunds the same or, as time passes,
   * a little less; never more.
   */
  StorageCharge refundIfDeleted(DriveRecord drive, List<Version> versions) {
    Instant now = clock.instant();
    long refunded = 0;
    for (Version version : versions) {
      Paid paid = objects.get(paidKey(drive.id(), version.path(), version.version()), Paid.class)
          .orElseGet(() -> unpaid(drive, version));
      if (paid.live()) {
        refunded += refundAll(paid.segments(), now).stream().filter(s -> now.equals(s.refundedAt()))
            .mapToLong(Segment::refundedMinor).sum();
      }
    }
    return new StorageCharge(versions.size(), money(0), money(refunded));
  }

  private long deleteOne(DriveRecord drive, Version version) {
    String key = paidKey(drive.id(), version.path(), version.version());
    Instant now = clock.instant();
    Paid paid = objects.update(key, Paid.class, current -> {
      Paid p = current.orElseGet(() -> unpaid(drive, version));
      if (!p.live()) {
        return p;
      }
      return p.with(p.tier(), refundAll(p.segments(), now), p.restoredUntil(), now);
    });
    long refunded = refund(drive, key, paid, "deleted", paid.deletedAt());
    drives.deleteVersion(drive, version);
    return refunded;
  }

  /** Ends every period not yet refunded at {@code now}, each refunded its unused part. */
  private static List<Segment> refundAll(List<Segment> segments, Instant now) {
    List<Segment> ended = new ArrayList<>();
    for (Segment s : segments) {
      ended.add(s.refundedAt() != null ? s : s.refunded(now, StoragePrices.unused(s.paidMinor(), s.from(),
          s.until(), now)));
    }
    return ended;
  }

  /**
   * Sends the refunds the record decided at {@code at} (each once, by its key, so sending
   * them again after a crash moves nothing more); returns their sum.
   */
  private long refund(DriveRecord drive, String key, Paid paid, String why, Instant at) {
    long total = 0;
    for (int i = 0; i < paid.segments().size(); i++) {
      Segment s = paid.segments().get(i);
      if (s.refundedMinor() > 0 && at.equals(s.refundedAt())) {
        billing.refund(s.account(), money(s.refundedMinor()), "storage refund: drive " + drive.name() + ", "
            + paid.path() + " v" + paid.version() + " " + why + ", unused " + period(s.refundedAt(), s.until()),
            "storage-refund:" + key.substring(PAID.length()) + ":" + i);
        total += s.refundedMinor();
      }
    }
    return total;
  }

  // Extending -----------------------------------------------------------------------------

  /**
   * Pays {@code years} more years, from the end of its paid time, for every standard-tier
   * file version of the drive, from the drive's account. {@code key} makes a repeat (the
   * same key) change nothing.
   */
  StorageCharge extend(DriveRecord drive, int years, String key) {
    if (years < 1 || years > MAX_EXTENSION_YEARS) {
      throw ApiException.badRequest("Field 'years' must be a whole number of years, 1 to " + MAX_EXTENSION_YEARS
          + ".");
    }
    String reference = "extend:" + key;
    long charged = 0;
    long refunded = 0;
    int count = 0;
    for (Version version : drives.allVersions(drive, "")) {
      String paidKey = paidKey(drive.id(), version.path(), version.version());
      Paid paid = objects.get(paidKey, Paid.class).orElseGet(() -> unpaid(drive, version));
      if (!paid.live() || !paid.tier().equals(STANDARD)) {
        continue;
      }
      count++;
      Optional<Segment> done = paid.segments().stream().filter(s -> s.reference().equals(reference)).findFirst();
      if (done.isPresent()) {
        charged += done.get().paidMinor();
        continue;
      }
      Instant from = paid.paidUntil() == null ? clock.instant() : paid.paidUntil();
      Instant until = from.plus(StoragePrices.YEAR.multipliedBy(years));
      long amount = prices.yearsMinor(version.size(), years);
      long paidNow = pay(drive, amount, "storage-extend:" + key + ":" + paidKey.substring(PAID.length()),
          "storage extended: drive " + drive.name() + ", " + version.path() + " v" + version.version() + ", "
              + version.size() + " bytes, " + period(from, until));
      Segment segment = new Segment("year", drive.account(), from, until, paidNow, 0, null, reference);
      Paid recorded = objects.update(paidKey, Paid.class, current -> {
        Paid p = current.orElseGet(() -> unpaid(drive, version));
        if (p.segments().stream().anyMatch(s -> s.reference().equals(reference))) {
          return p;
        }
        List<Segment> segments = new ArrayList<>(p.segments());
        // Deleted while this extension was being paid: none of its time will be used.
        segments.add(p.live() ? segment : segment.refunded(p.deletedAt(), paidNow));
        return p.with(p.tier(), segments, p.restoredUntil(), p.deletedAt());
      });
      charged += paidNow;
      if (!recorded.live()) {
        // Refunds are keyed per period, so the deletion's own refunds are not paid twice.
        refunded += refund(drive, paidKey, recorded, "deleted", recorded.deletedAt());
        refunded -= alreadyRefundedAt(recorded, recorded.deletedAt(), reference);
      }
    }
    return new StorageCharge(count, money(charged), money(refunded));
  }

  /** What the periods other than {@code reference} had refunded at {@code at}: the deletion's own refunds. */
  private static long alreadyRefundedAt(Paid paid, Instant at, String reference) {
    return paid.segments().stream().filter(s -> !s.reference().equals(reference) && at.equals(s.refundedAt()))
        .mapToLong(Segment::refundedMinor).sum();
  }

  /** Holds and at once takes {@code amount} from the drive's account; zero moves nothing. */
  private long pay(DriveRecord drive, long amount, String key, String description) {
    if (amount == 0) {
      return 0;
    }
    if (drive.account() == null) {
      throw ApiException.conflict("Drive " + drive.name() + " names no account to pay for its storage; name one "
          + "(PUT /drives/" + drive.id() + "/account).");
    }
    String hold = billing.storageHold(drive.owner(), drive.account(), money(amount),
        clock.instant().plus(Duration.ofHours(1)), description, key);
    return billing.storageSettle(hold, money(amount), description).minorUnits();
  }

  // The archive tier ----------------------------------------------------------------------

  /**
   * Moves every standard-tier version under {@code prefix} (the whole drive if empty) to the
   * archive tier: each pays the archive price once, for {@link StoragePrices#ARCHIVE_YEARS}
   * years from now, and its unused standard-tier time is refunded. Archiving again changes
   * nothing.
   */
  StorageCharge archive(DriveRecord drive, String prefix) {
    long charged = 0;
    long refunded = 0;
    int count = 0;
    for (Version version : drives.allVersions(drive, prefix)) {
      String paidKey = paidKey(drive.id(), version.path(), version.version());
      Paid before = objects.get(paidKey, Paid.class).orElseGet(() -> unpaid(drive, version));
      if (!before.live()) {
        continue;
      }
      count++;
      if (before.tier().equals(ARCHIVE)) {
        // Finishes what a crash may have interrupted: the refunds decided, and the move.
        Instant archivedAt = before.segments().get(before.segments().size() - 1).from();
        refund(drive, paidKey, before, "archived", archivedAt);
        if (before.restoredUntil() == null) {
          drives.moveToArchive(version);
        }
        continue;
      }
      Instant now = clock.instant();
      Instant until = now.plus(StoragePrices.YEAR.multipliedBy(StoragePrices.ARCHIVE_YEARS));
      long amount = prices.archiveMinor(version.size());
      long paidNow = pay(drive, amount, "storage-archive:" + paidKey.substring(PAID.length()), "storage archived: drive "
          + drive.name() + ", " + version.path() + " v" + version.version() + ", " + version.size() + " bytes, "
          + period(now, until));
      Paid archived = objects.update(paidKey, Paid.class, current -> {
        Paid p = current.orElseGet(() -> unpaid(drive, version));
        if (p.tier().equals(ARCHIVE) || !p.live()) {
          return p;
        }
        List<Segment> segments = new ArrayList<>(refundAll(p.segments(), now));
        segments.add(new Segment("archive", drive.account(), now, until, paidNow, 0, null, "archive"));
        return p.with(ARCHIVE, segments, null, null);
      });
      refunded += refund(drive, paidKey, archived, "archived", now);
      drives.moveToArchive(version);
      charged += paidNow;
    }
    return new StorageCharge(count, money(charged), money(refunded));
  }

  /** Makes an archived version readable for {@link #RESTORED_FOR}, at no charge: the archive price covers it. */
  Payment restore(DriveRecord drive, Version version) {
    String key = paidKey(drive.id(), version.path(), version.version());
    Paid paid = objects.get(key, Paid.class).filter(p -> p.tier().equals(ARCHIVE) && p.live())
        .orElseThrow(() -> ApiException.conflict(version.path() + " v" + version.version() + " is not archived; it "
            + "can be read as it is."));
    drives.restoreFromArchive(version);
    Instant until = clock.instant().plus(RESTORED_FOR);
    return view(objects.update(key, Paid.class, current -> {
      Paid p = current.orElse(paid);
      return p.with(p.tier(), p.segments(), until, p.deletedAt());
    }));
  }

  /** A 409 for an archived version that is not restored: it must be restored to be read. */
  void requireReadable(DriveRecord drive, Version version) {
    Optional<Paid> paid = objects.get(paidKey(drive.id(), version.path(), version.version()), Paid.class);
    if (paid.isPresent() && paid.get().tier().equals(ARCHIVE) && (paid.get().restoredUntil() == null
        || !clock.instant().isBefore(paid.get().restoredUntil()))) {
      throw ApiException.conflict(version.path() + " v" + version.version() + " is in the archive tier; restore it "
          + "(POST /drives/" + drive.id() + "/restore) and download it within " + RESTORED_FOR.toDays() + " days.");
    }
  }

  // Listing and sweeping ------------------------------------------------------------------

  List<Payment> payments(DriveRecord drive, String prefix) {
    String under = prefix == null || prefix.isEmpty() ? "" : prefix + "/";
    return paidOf(drive).stream().filter(p -> p.path().startsWith(under))
        .sorted(Comparator.comparing(Paid::path).thenComparingLong(Paid::version)).map(this::view).toList();
  }

  /**
   * Deletes the files of drives frozen past their grace period (their paid time is used up,
   * so nothing is refunded), then the drive if nothing is left; and drops the standard-tier
   * copies of restored archive versions once they are no longer wanted.
   *
   * @return how many versions it deleted
   */
  int sweep() {
    Instant now = clock.instant();
    int deleted = 0;
    java.util.Set<String> emptied = new java.util.HashSet<>();
    for (String key : store.list(PAID)) {
      Optional<Paid> found = objects.get(key, Paid.class);
      if (found.isEmpty() || !found.get().live()) {
        continue;
      }
      Paid paid = found.get();
      Optional<DriveRecord> drive = drives.get(paid.drive());
      if (drive.isEmpty()) {
        continue;
      }
      if (paid.tier().equals(STANDARD) && paid.paidUntil() != null
          && !now.isBefore(paid.paidUntil().plus(prices.grace()))) {
        try {
          Version version = drives.version(drive.get(), paid.path(), paid.version());
          deleteOne(drive.get(), version);
        } catch (ApiException gone) {
          objects.update(key, Paid.class, p -> p.orElse(paid).with(paid.tier(), paid.segments(), null, now));
        }
        emptied.add(paid.drive());
        deleted++;
      } else if (paid.tier().equals(ARCHIVE) && paid.restoredUntil() != null && !now.isBefore(paid.restoredUntil())) {
        drives.dropHot(drives.version(drive.get(), paid.path(), paid.version()));
        objects.update(key, Paid.class, p -> p.orElse(paid).with(ARCHIVE, p.orElse(paid).segments(), null, null));
      }
    }
    for (String id : emptied) {
      drives.get(id).filter(d -> drives.allVersions(d, "").isEmpty()).ifPresent(drives::deleteDrive);
    }
    return deleted;
  }

  /** Deletes a whole drive: every version refunded as {@link #delete}, then the drive itself. */
  StorageCharge deleteDrive(DriveRecord drive) {
    StorageCharge charge = delete(drive, drives.allVersions(drive, ""));
    drives.deleteDrive(drive);
    return charge;
  }

  // Helpers -------------------------------------------------------------------------------

  private List<Paid> paidOf(DriveRecord drive) {
    return new ArrayList<>(objects.getAll(PAID + drive.id() + "/", Paid.class).values());
  }

  /** The record of a version nothing paid for (stored before storage was paid, or free). */
  private static Paid unpaid(DriveRecord drive, Version version) {
    return new Paid(drive.id(), version.path(), version.version(), version.size(), version.upload(), STANDARD,
        List.of(), null, null);
  }

  Payment view(Paid p) {
    return new Payment(p.path(), p.version(), p.size(), p.segments().isEmpty() ? null
        : p.segments().get(p.segments().size() - 1).account(), p.tier(), p.paidUntil(), money(p.paidMinor()),
        money(p.refundedMinor()), p.restoredUntil(), p.deletedAt());
  }

  private Money money(long minor) {
    return Money.ofMinorUnits(minor, prices.currency());
  }

  private static String period(Instant from, Instant until) {
    return LocalDate.ofInstant(from, ZoneOffset.UTC) + " to " + LocalDate.ofInstant(until, ZoneOffset.UTC);
  }

  static final String PAID = "storage/payments/";

  static String paidKey(String drive, String path, long version) {
    return PAID + drive + "/" + RequestSignature.sha256Hex(path.getBytes(StandardCharsets.UTF_8)) + "/"
        + String.format("%012d", version);
  }

  private static String holdKey(String key) {
    return "storage/upload-holds/" + key;
  }
}
