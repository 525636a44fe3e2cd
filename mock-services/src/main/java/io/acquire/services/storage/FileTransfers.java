package io.acquire.services.storage;

import io.acquire.client.wire.StorageWire;
import io.acquire.client.wire.StorageWire.FileVersion;
import io.acquire.services.http.ApiException;
import io.acquire.services.storage.Drives.DriveRecord;
import io.acquire.services.storage.Drives.Version;
import io.javalin.http.Context;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Clock;
import java.util.UUID;

/**
 * A whole file's bytes in one request, either way, with its storage paid for: the signed
 * routes and links share these, so a file written or read through a link obeys the same
 * payments (a year paid ahead, no writes to a frozen drive, archived versions restored first).
 */
final class FileTransfers {
  private final Drives drives;
  private final StoragePayments payments;
  private final Clock clock;

  FileTransfers(Drives drives, StoragePayments payments, Clock clock) {
    this.drives = drives;
    this.payments = payments;
    this.clock = clock;
  }

  /** Writes {@code body} as the next version of {@code path}, held for before and paid after; released if it fails. */
  FileVersion write(DriveRecord drive, String path, byte[] body) throws IOException {
    payments.requireWritable(drive);
    String key = "w_" + UUID.randomUUID().toString().replace("-", "");
    payments.holdFor(drive, key, path, body.length, clock.instant().plus(Drives.SWEEP_MARGIN));
    FileVersion version;
    try {
      version = drives.write(drive, path, new ByteArrayInputStream(body), body.length);
    } catch (RuntimeException | IOException failed) {
      payments.release(drive, key);
      throw failed;
    }
    payments.paidUpload(drive, key, version, drives.version(drive, path, version.version()).upload());
    return version;
  }

  /** The headers that describe a version, whatever part of it the answer carries. */
  static void fileHeaders(Context ctx, Version version) {
    if (version.crc32c() != null) {
      ctx.header(StorageWire.FILE_CRC32C_HEADER, version.crc32c());
    }
    ctx.header(StorageWire.FILE_SHA256_HEADER, version.sha256())
        .header(StorageWire.FILE_VERSION_HEADER, Long.toString(version.version()))
        .header(StorageWire.FILE_SIZE_HEADER, Long.toString(version.size()))
        .header(StorageWire.FILE_CREATED_HEADER, version.createdAt().toString());
  }

  /** A version's bytes as the answer, whole or the one byte range asked for, with the file's checksums in headers. */
  void send(Context ctx, DriveRecord drive, Version version) {
    payments.requireReadable(drive, version);
    long from = 0;
    long to = version.size() - 1;
    ByteRange range;
    try {
      range = ByteRange.parse(ctx.header("Range"), version.size());
    } catch (ApiException unsatisfiable) {
      ctx.header("Content-Range", "bytes */" + version.size());
      throw unsatisfiable;
    }
    if (range != null) {
      from = range.first();
      to = range.last();
      ctx.status(206).header("Content-Range", "bytes " + from + "-" + to + "/" + version.size());
    }
    fileHeaders(ctx, version);
    ctx.header("Accept-Ranges", "bytes")
        .header("Content-Length", Long.toString(Math.max(0, to - from + 1)))
        .contentType("application/octet-stream");
    long length = Math.max(0, to - from + 1);
    ctx.result(new java.io.FilterInputStream(drives.open(version, from)) {
      private long left = length;

      @Override
      public int read(byte[] buffer, int offset, int count) throws java.io.IOException {
        if (left <= 0) {
          return -1;
        }
        int n = super.read(buffer, offset, (int) Math.min(count, left));
        if (n > 0) {
          left -= n;
        }
        return n;
      }
    });
  }

}
