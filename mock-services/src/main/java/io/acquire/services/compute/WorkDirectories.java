package io.acquire.services.compute;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jobs' work directories hold their tickets (credentials), inputs and outputs, so they are
 * private to the backend's user: each job's directory 0700, tickets 0600. The root is 0711:
 * nobody else may list it, but a batch script's own uid may pass through it to the one
 * private directory its job opens to it (see the batch workload).
 */
final class WorkDirectories {
  private static final Logger log = LoggerFactory.getLogger(WorkDirectories.class);
  private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> ROOT = PosixFilePermissions.fromString("rwx--x--x");

  private WorkDirectories() {}

  /** The default root: one per user under the temporary directory, so users never share one. */
  static Path defaultRoot() {
    return Path.of(System.getProperty("java.io.tmpdir"), "acquire-jobs-" + System.getProperty("user.name"));
  }

  /**
   * Makes {@code root} (and missing parents) a directory only this user can list (0711). One
   * that exists must belong to this user; its permissions are set to 0711.
   *
   * @throws IllegalStateException if it belongs to someone else, who could read the tickets
   */
  static Path openRoot(Path root) {
    try {
      Path dir = root.toAbsolutePath();
      if (!POSIX) {
        return Files.createDirectories(dir);
      }
      if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectories(dir.getParent());
        try {
          Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(ROOT));
        } catch (java.nio.file.FileAlreadyExistsException e) {
          // made by another process meanwhile; checked below
        }
      }
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        throw new IllegalStateException("compute.work-directory " + dir + " is not a directory");
      }
      UserPrincipal me = dir.getFileSystem().getUserPrincipalLookupService()
          .lookupPrincipalByName(System.getProperty("user.name"));
      UserPrincipal owner = Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS);
      if (!owner.equals(me)) {
        throw new IllegalStateException("compute.work-directory " + dir + " belongs to " + owner.getName()
            + ", not to " + me.getName() + " who runs the backend; jobs' credentials would be readable there. "
            + "Choose another directory.");
      }
      if (!Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS).equals(ROOT)) {
        Files.setPosixFilePermissions(dir, ROOT);
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot prepare the work directory " + root + ": " + e.getMessage(), e);
    }
  }

  /** Creates a job's directory, 0700; an existing one (from a run that stopped) is emptied first. */
  static Path createPrivate(Path dir) throws IOException {
    deleteQuietly(dir);
    if (POSIX) {
      return Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    }
    return Files.createDirectory(dir);
  }

  /** Writes a file only its owner can read and write. */
  static Path writePrivately(Path file, byte[] bytes) throws IOException {
    if (POSIX) {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } else {
      Files.createFile(file);
    }
    return Files.write(file, bytes);
  }

  static void deleteQuietly(Path dir) {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      log.warn("Could not delete the work directory {}", dir);
    }
  }
}
