package io.acquire.client;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.acquire.client.internal.Session;
import io.acquire.client.wire.Base64Url;
import io.acquire.client.wire.Json;
import io.acquire.client.wire.RequestSignature;
import io.acquire.client.wire.SessionCertificate;
import io.acquire.client.wire.SigningKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Remembers sessions across programs, only when asked: a {@link User} built with a wallet
 * saves its session (private key and certificate) on login and resumes it next time, and
 * forgets it on logout.
 *
 * <p>Risk: whoever can read the wallet's files can act as you until the session expires
 * or you log out. Files are created readable by their owner only (POSIX mode 600) and
 * written atomically; keep the directory on a disk only you use.
 */
public final class Wallet {
  private final Path directory;

  private Wallet(Path directory) {
    this.directory = directory;
  }

  /** A wallet in {@code directory}, created when first needed. */
  public static Wallet inDirectory(Path directory) {
    return new Wallet(Objects.requireNonNull(directory, "directory == null"));
  }

  /** The wallet in {@code ~/.acquire/wallet}. */
  public static Wallet defaultWallet() {
    return inDirectory(Path.of(System.getProperty("user.home"), ".acquire", "wallet"));
  }

  public Path directory() {
    return directory;
  }

  Optional<Session> load(String identityUrl, String username) {
    Path file = file(identityUrl, username);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      Entry entry = Json.read(Files.readAllBytes(file), Entry.class);
      if (!identityUrl.equals(entry.identityUrl) || !username.equals(entry.username)) {
        return Optional.empty();
      }
      return Optional.of(new Session(SigningKey.fromSeedUnsafe(Base64Url.decode(entry.seed)),
          SessionCertificate.parseUnverified(entry.certificate)));
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("Wallet file " + file + " is unreadable or damaged; delete it and log in again.");
    }
  }

  void save(String identityUrl, String username, Session session) {
    Entry entry = new Entry(identityUrl, username, Base64Url.encode(session.key().exportSeedUnsafe()),
        session.certificate().token());
    Path file = file(identityUrl, username);
    try {
      Files.createDirectories(directory);
      Path temp = directory.resolve("." + UUID.randomUUID() + ".tmp");
      if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
        Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } else {
        Files.createFile(temp);
      }
      try {
        Files.write(temp, Json.write(entry));
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot save the session in wallet " + directory + ": " + e.getMessage(), e);
    }
  }

  void forget(String identityUrl, String username) {
    try {
      Files.deleteIfExists(file(identityUrl, username));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot remove the session from wallet " + directory + ": " + e.getMessage(), e);
    }
  }

  Path file(String identityUrl, String username) {
    String name = RequestSignature.sha256Hex((identityUrl + "\n" + username).getBytes(StandardCharsets.UTF_8));
    return directory.resolve(name.substring(0, 32) + ".session.json");
  }

  @Override
  public String toString() {
    return "Wallet[" + directory + "]";
  }

  record Entry(@JsonProperty("identityUrl") String identityUrl, @JsonProperty("username") String username,
      @JsonProperty("seed") String seed, @JsonProperty("certificate") String certificate) {
    @Override
    public String toString() {
      return "Entry[" + username + "]";
    }
  }
}
