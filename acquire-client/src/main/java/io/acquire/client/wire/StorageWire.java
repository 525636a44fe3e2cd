package io.acquire.client.wire;

import io.acquire.client.Money;
import java.time.Instant;
import java.util.List;

/** Request and response bodies of the storage service ({@code /t/storage}); see docs/protocol.md. */
public final class StorageWire {
  /** Header carrying the lowercase hex SHA-256 of one uploaded chunk. */
  public static final String CHUNK_SHA256_HEADER = "X-Acquire-Chunk-SHA256";
  /** Headers of a download: the whole file's SHA-256, version and size (whatever range was asked for). */
  public static final String FILE_SHA256_HEADER = "X-Acquire-File-SHA256";
  /**
   * The whole file's CRC32C (8 hex digits, big-endian), which the SDK checks a download
   * against; absent for versions stored before it was recorded, checked by SHA-256 instead.
   */
  public static final String FILE_CRC32C_HEADER = "X-Acquire-File-CRC32C";
  public static final String FILE_VERSION_HEADER = "X-Acquire-File-Version";
  public static final String FILE_SIZE_HEADER = "X-Acquire-File-Size";
  /** When the version was stored, as an ISO-8601 instant. */
  public static final String FILE_CREATED_HEADER = "X-Acquire-File-Created";

  private StorageWire() {}

  /**
   * {@code POST /drives}: create the caller's drive of this name, or open it if it exists.
   *
   * @param account the account that pays for the drive's storage (one of the caller's); null for none yet
   */
  public record OpenDrive(String name, String account) {
    public OpenDrive(String name) {
      this(name, null);
    }
  }

  /**
   * @param readOnly true for a job's output drive: its owner may read but not change it
   * @param account the account that pays for its storage, or null if none is named
   * @param paidUntil when the earliest paid period of its files ends; null while it holds no paid files
   * @param frozen true once that time has passed: the drive is read-only until extended
   * @param notice a sentence for the owner once the paid period is within the notice period, else null
   * @param deletesAt when its unpaid files are deleted if it is not extended; null when there is no paid period
   */
  public record DriveInfo(String id, String name, String owner, boolean readOnly, Instant createdAt, String account,
      Instant paidUntil, boolean frozen, String notice, Instant deletesAt) {}

  /** {@code PUT /drives/{id}/account}: the account that pays for the drive's storage from now on. */
  public record SetAccount(String account) {}

  /**
   * The storage part of the price list (served with the compute prices): per GiB-year, and
   * once per GiB for {@code archiveYears} in the archive tier.
   */
  public record StoragePriceList(Money perGibYear, Money archivePerGib, int archiveYears, long noticeDays,
      long graceDays) {}

  /** {@code POST /drives/{id}/extend}: pay {@code years} more years for every file of the drive. */
  public record Extend(int years, String idempotencyKey) {}

  /** {@code POST /drives/{id}/archive}: move every file under {@code prefix} (all if empty) to the archive tier. */
  public record Archive(String prefix) {}

  /** {@code POST /drives/{id}/delete}: delete one version, every version of a path, or a folder ({@code prefix}). */
  public record Delete(String path, Long version, String prefix) {}

  /**
   * What a storage change paid or refunded.
   *
   * @param versions how many file versions it touched
   */
  public record StorageCharge(int versions, Money charged, Money refunded) {}

  /**
   * What one file version has paid for: the paying account, the tier ({@code standard} or
   * {@code archive}), until when, what was paid and refunded in total; {@code restoredUntil}
   * for an archived version restored for reading.
   */
  public record Payment(String path, long version, long size, String account, String tier, Instant paidUntil,
      Money paid, Money refunded, Instant restoredUntil, Instant deletedAt) {}

  public record PaymentList(List<Payment> payments) {}

  public record DriveList(List<DriveInfo> drives) {}

  /**
   * {@code POST /drives/{id}/uploads}: announce a file of {@code size} bytes; its SHA-256
   * now, or null to send it with {@link CompleteUpload}; and, optionally, the SHA-256s of its
   * first chunks, whose store URLs then come with the answer ({@link UploadStatus#urls}), as
   * {@link DirectRequest} would give them, saving that request.
   */
  public record StartUpload(String path, long size, String sha256, Integer chunkSize, List<ChunkSum> chunks) {
    public StartUpload(String path, long size, String sha256, Integer chunkSize) {
      this(path, size, sha256, chunkSize, null);
    }
  }

  /**
   * {@code POST /drives/{id}/uploads/{upload}/complete}: the file's SHA-256, or its chunks'
   * ({@link #chunksSha256}), or both; at least one unless the file's SHA-256 was announced
   * when the upload started (then null, or the same). The SDK sends {@code chunksSha256},
   * which costs it no pass over the file beyond the chunks' own hashes; the service still
   * computes the file's SHA-256 and publishes it.
   */
  public record CompleteUpload(String sha256, String chunksSha256) {}

  /**
   * The SHA-256 of the chunks' SHA-256 digests (32 bytes each, in chunk order): one value
   * that both sides can compute from hashes they already have, and that matches only if
   * every chunk, in order, is the one hashed.
   */
  public static String chunksSha256(List<String> chunkSha256Hex) {
    byte[] digests = new byte[32 * chunkSha256Hex.size()];
    for (int n = 0; n < chunkSha256Hex.size(); n++) {
      System.arraycopy(java.util.HexFormat.of().parseHex(chunkSha256Hex.get(n)), 0, digests, 32 * n, 32);
    }
    return RequestSignature.sha256Hex(digests);
  }

  /**
   * An upload in progress: which chunks the service already holds, so an interrupted one
   * resumes; {@code direct} if the store takes chunks straight from the client ({@link DirectUrl}).
   */
  public record UploadStatus(String id, String path, long size, String sha256, int chunkSize, int chunks,
      List<Integer> received, boolean direct, List<DirectUrl> urls) {
    /** {@code urls}: the store URLs of the chunks a {@link StartUpload} named, in its order; else empty. */
    public UploadStatus {
      urls = urls == null ? List.of() : List.copyOf(urls);
    }

    public UploadStatus(String id, String path, long size, String sha256, int chunkSize, int chunks,
        List<Integer> received, boolean direct) {
      this(id, path, size, sha256, chunkSize, chunks, received, direct, List.of());
    }
  }

  /**
   * Sent by a client that can fetch a download's chunks from the store itself: when the store
   * offers it, a download without a range is answered with a {@link DirectDownload}
   * ({@link #DIRECT_CONTENT_TYPE}, the file's usual headers) instead of the bytes.
   */
  public static final String DIRECT_HEADER = "X-Acquire-Direct";
  public static final String DIRECT_CONTENT_TYPE = "application/vnd.acquire.direct+json";

  /**
   * A presigned URL of the store for one chunk: a bearer capability for one method on one
   * object until {@code expiresAt}, to be sent with exactly these {@code headers}. Never log
   * it; its {@link #toString} leaves out the query string, where the signature is.
   */
  public record DirectUrl(String url, java.util.Map<String, String> headers, Instant expiresAt) {
    @Override
    public String toString() {
      int query = url == null ? -1 : url.indexOf('?');
      return "DirectUrl[" + (query < 0 ? url : url.substring(0, query) + "?…") + " until " + expiresAt + "]";
    }
  }

  /** Chunk {@code n}'s SHA-256 (hex), for which a {@link DirectUrl} is asked. */
  public record ChunkSum(int n, String sha256) {}

  /** Asks for presigned PUTs of several chunks at once (at most {@code MAX_DIRECT_BATCH}). */
  public record DirectRequest(List<ChunkSum> chunks) {}

  /** The URLs asked for, in the order asked. */
  public record DirectUrls(List<DirectUrl> urls) {}

  public static final int MAX_DIRECT_BATCH = 64;

  /** Where to fetch a version's chunks, in order ({@code chunkSize} bytes each, the last shorter). */
  public record DirectDownload(long size, int chunkSize, List<DirectUrl> chunks) {}

  /** One stored version of a file. */
  public record FileVersion(String path, long version, long size, String sha256, Instant createdAt) {}

  public record FileList(List<FileVersion> files) {}
}
