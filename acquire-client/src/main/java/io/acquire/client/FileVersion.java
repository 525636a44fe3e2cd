package io.acquire.client;

import io.acquire.client.wire.StorageWire;
import java.time.Instant;

/**
 * One stored version of a file on a {@link Drive}: what {@code upload}, {@code write},
 * {@code download}, {@code files} and {@code versions} return.
 *
 * @param path the file's path on the drive, such as {@code results/energy.csv}
 * @param version its version number, from 1, one more with each upload of the path
 * @param size its length in bytes
 * @param sha256 the lowercase hex SHA-256 of its content, as the service computed it
 * @param createdAt when the service stored it
 */
public record FileVersion(String path, long version, long size, String sha256, Instant createdAt) {

  static FileVersion from(StorageWire.FileVersion wire) {
    return new FileVersion(wire.path(), wire.version(), wire.size(), wire.sha256(), wire.createdAt());
  }
}
