package io.acquire.client.wire;

import java.time.Instant;
import java.util.List;

/** Request and response bodies of the storage service ({@code /t/storage}); see docs/protocol.md. */
public final class StorageWire {
  /** Header carrying the lowercase hex SHA-256 of one uploaded chunk. */
  public static final String CHUNK_SHA256_HEADER = "X-Acquire-Chunk-SHA256";
  /** Headers of a download: the whole file's SHA-256, version and size (whatever range was asked for). */
  public static final String FILE_SHA256_HEADER = "X-Acquire-File-SHA256";
  public static final String FILE_VERSION_HEADER = "X-Acquire-File-Version";
  public static final String FILE_SIZE_HEADER = "X-Acquire-File-Size";

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
   * {@code POST /drives/{id}/uploads/{upload}/complete}: the file's SHA-256, required
   * unless it was announced when the upload started (then null, or the same).
   */
  public record CompleteUpload(String sha256) {}

  /** An upload in progress: which chunks the service already holds, so an interrupted one resumes. */
  public record UploadStatus(String id, String path, long size, String sha256, int chunkSize, int chunks,
      List<Integer> received) {}

  /** One stored version of a file. */
  public record FileVersion(String path, long version, long size, String sha256, Instant createdAt) {}

  public record FileList(List<FileVersion> files) {}
}
