package io.acquire.services.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files only the backend's OS user can reach: created 0600 (directories 0700) from the
 * start, never widened by the umask (which can only take permissions away), so no other
 * local user can read a secret in the moment between creating a file and narrowing it.
 * On file systems without POSIX permissions these are plain files.
 */
public final class PrivateFiles {
  private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  private static final FileAttribute<?>[] FILE = POSIX
      ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
      : new FileAttribute<?>[0];
  private static final FileAttribute<?>[] DIRECTORY = POSIX
      ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))}
      : new FileAttribute<?>[0];
  private static final Set<PosixFilePermission> OTHERS = Set.of(
      PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

  private PrivateFiles() {}

  /** Opens {@code file}, which if the options create it is created 0600. */
  public static FileChannel open(Path file, OpenOption... options) throws IOException {
    return FileChannel.open(file, Set.of(options), FILE);
  }

  /** Creates a new, empty file, 0600. */
  public static void createFile(Path file) throws IOException {
    Files.createFile(file, FILE);
  }

  /** Creates {@code directory} 0700 if absent; true if this call created it. */
  public static boolean createDirectory(Path directory) throws IOException {
    try {
      Files.createDirectory(directory, DIRECTORY);
      return true;
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(directory)) {
        throw e;
      }
      return false;
    }
  }

  /** Creates {@code directory} and any missing parents, each new one 0700. */
  public static Path createDirectories(Path directory) throws IOException {
    Path absolute = directory.toAbsolutePath();
    if (Files.isDirectory(absolute)) {
      return directory;
    }
    Path parent = absolute.getParent();
    if (parent != null) {
      createDirectories(parent);
    }
    createDirectory(absolute);
    return directory;
  }

  /**
   * Fails, saying what to run, if a group or other users may read, write or enter {@code path}:
   * a data directory or key file must be the backend's user's alone.
   */
  public static void requirePrivate(Path path) throws IOException {
    if (!POSIX) {
      return;
    }
    Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
    if (permissions.stream().anyMatch(OTHERS::contains)) {
      String mode = PosixFilePermissions.toString(permissions);
      throw new IllegalStateException(path.toAbsolutePath() + " is open to other users (" + mode + "), but it holds "
          + "the backend's secrets. Run: chmod " + (Files.isDirectory(path) ? "-R go-rwx " : "600 ")
          + path.toAbsolutePath());
    }
  }
}
