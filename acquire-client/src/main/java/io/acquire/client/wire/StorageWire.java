package io.acquire.client.wire;

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

  /** {@code POST /drives}: create the caller's drive of this name, or open it if it exists. */
  public record OpenDrive(String name) {}

  /** @param readOnly true for a job's output drive: its owner may read but not change it */
  public record DriveInfo(String id, String name, String owner, boolean readOnly, Instant createdAt) {}

  public record DriveList(List<DriveInfo> drives) {}

  /**
   * {@code POST /drives/{id}/uploads}: announce a file of {@code size} bytes; its SHA-256
   * now, or null to send it with {@link CompleteUpload}.
   */
  public record StartUpload(String path, long size, String sha256, Integer chunkSize) {}

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

  /** An upload in progress: which chunks the service already holds, so an interrupted one resumes. */
  public record UploadStatus(String id, String path, long size, String sha256, int chunkSize, int chunks,
      List<Integer> received) {}

  /** One stored version of a file. */
  public record FileVersion(String path, long version, long size, String sha256, Instant createdAt) {}

  public record FileList(List<FileVersion> files) {}
}
