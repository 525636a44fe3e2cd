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
import java.util.List;
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
    writePrivate(file(identityUrl, username), Json.write(entry), "the session");
  }

  void forget(String identityUrl, String username) {
    try {
      Files.deleteIfExists(file(identityUrl, username));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot remove the session from wallet " + directory + ": " + e.getMessage(), e);
    }
  }

  /**
   * The user's private key for encrypted drives, made and saved here (0600) the first time
   * it is needed. It never leaves this directory except by {@link #exportEncryptionKey}.
   */
  EncryptionKeyPair encryptionKey(String identityUrl, String username) {
    Path file = encryptionKeyFile(identityUrl, username);
    synchronized (this) {
      if (Files.exists(file)) {
        return readEncryptionKey(file, identityUrl, username);
      }
      EncryptionKeyPair created = EncryptionKeyPair.generate();
      writePrivate(file, Json.write(new KeyEntry(identityUrl, username,
          Base64Url.encode(created.serializeUnsafe()))), "the encryption key");
      return created;
    }
  }

  /**
   * Copies the user's private key for encrypted drives to {@code target} (created readable
   * by its owner only), to carry to another machine by a means you trust, like an SSH
   * private key: whoever holds it reads every encrypted drive shared with you. Makes the key
   * first if there is none.
   */
  public void exportEncryptionKey(User user, Path target) {
    encryptionKey(user.identityUrl(), user.username());
    try {
      byte[] entry = Files.readAllBytes(encryptionKeyFile(user.identityUrl(), user.username()));
      writePrivate(target.toAbsolutePath(), entry, "the exported encryption key");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the encryption key in wallet " + directory + ": " + e.getMessage(), e);
    }
  }

  /**
   * Installs a key {@link #exportEncryptionKey exported} on another machine, replacing any
   * key this wallet had for the user; call {@code user.publishEncryptionKey()} afterwards if
   * this machine had published a key of its own.
   *
   * @throws IllegalArgumentException if the file is not an exported key of this user
   */
  public void importEncryptionKey(User user, Path source) {
    readEncryptionKey(source, user.identityUrl(), user.username());
    try {
      writePrivate(encryptionKeyFile(user.identityUrl(), user.username()), Files.readAllBytes(source),
          "the encryption key");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + source + ": " + e.getMessage(), e);
    }
  }

  private static EncryptionKeyPair readEncryptionKey(Path file, String identityUrl, String username) {
    try {
      KeyEntry entry = Json.read(Files.readAllBytes(file), KeyEntry.class);
      if (!identityUrl.equals(entry.identityUrl) || !username.equals(entry.username)) {
        throw new IllegalArgumentException(file + " holds the encryption key of " + entry.username + " at "
            + entry.identityUrl + ", not of " + username + " at " + identityUrl + ".");
      }
      return EncryptionKeyPair.parseUnsafe(Base64Url.decode(entry.keyset));
    } catch (IOException | java.security.GeneralSecurityException | RuntimeException e) {
      if (e instanceof IllegalArgumentException wrongUser && wrongUser.getMessage().startsWith(file.toString())) {
        throw wrongUser;
      }
      throw new IllegalArgumentException("Encryption key file " + file + " is unreadable or damaged.");
    }
  }

  /** Writes a secret atomically into a file only its owner can read. */
  private void writePrivate(Path file, byte[] content, String what) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Path temp = parent.resolve("." + UUID.randomUUID() + ".tmp");
      if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
        Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } else {
        Files.createFile(temp);
      }
      try {
        Files.write(temp, content);
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot save " + what + " in " + file.getParent() + ": " + e.getMessage(), e);
    }
  }

  Path encryptionKeyFile(String identityUrl, String username) {
    return file(identityUrl, username).resolveSibling(
        file(identityUrl, username).getFileName().toString().replace(".session.json", ".encryption-key.json"));
  }

  /**
   * The registry's answers kept for {@code registryUrl} by {@link ServiceUrls}; none if there
   * are none. Plain lines, not JSON: a cold JSON mapper's first reading of a new type cost a
   * short command more than all else it does with the file (docs/performance.md).
   */
  java.util.Map<String, ServiceEntry> serviceUrls(String registryUrl) {
    java.util.Map<String, ServiceEntry> known = new java.util.HashMap<>();
    List<String> lines;
    try {
      lines = Files.readAllLines(servicesFile(registryUrl), StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      return known; // missing or unreadable: it only saves asking the registry, which is asked instead
    }
    boolean sameRegistry = false;
    for (String line : lines) {
      String[] words = line.strip().split(" ");
      if (words.length == 2 && words[0].equals("registry")) {
        sameRegistry = words[1].equals(registryUrl);
      } else if (words.length == 3 && !words[0].startsWith("#")) {
        try {
          known.put(words[0], new ServiceEntry(words[1], java.time.Instant.parse(words[2])));
        } catch (java.time.format.DateTimeParseException e) {
          // A damaged line: that service is looked up again.
        }
      }
    }
    return sameRegistry ? known : java.util.Map.of();
  }

  /** Keeps the registry's answers for later programs; a wallet that cannot be written only costs them a lookup. */
  void saveServiceUrls(String registryUrl, java.util.Map<String, ServiceEntry> services) {
    StringBuilder text = new StringBuilder("# Where the services are, as the registry said; kept for an hour.\n")
        .append("registry ").append(registryUrl).append('\n');
    services.forEach((name, entry) -> text.append(name).append(' ').append(entry.url()).append(' ')
        .append(entry.askedAt()).append('\n'));
    try {
      writePrivate(servicesFile(registryUrl), text.toString().getBytes(StandardCharsets.UTF_8), "service URLs");
    } catch (UncheckedIOException e) {
      // Not a secret and not needed: the next program asks the registry.
    }
  }

  private Path servicesFile(String registryUrl) {
    String name = RequestSignature.sha256Hex(registryUrl.getBytes(StandardCharsets.UTF_8));
    return directory.resolve(name.substring(0, 32) + ".services");
  }

  /** Where the SDK notes an encrypted upload's chunk checksums, so another run can resume it. */
  Path uploadRecord(String uploadId) {
    return directory.resolve("uploads").resolve(uploadId.replaceAll("[^A-Za-z0-9_-]", "_") + ".chunks");
  }

  Path file(String identityUrl, String username) {
    String name = RequestSignature.sha256Hex((identityUrl + "\n" + username).getBytes(StandardCharsets.UTF_8));
    return directory.resolve(name.substring(0, 32) + ".session.json");
  }

  @Override
  public String toString() {
    return "Wallet[" + directory + "]";
  }

  record KeyEntry(@JsonProperty("identityUrl") String identityUrl, @JsonProperty("username") String username,
      @JsonProperty("keyset") String keyset) {
    @Override
    public String toString() {
      return "KeyEntry[" + username + "]";
    }
  }

  /** A service's URL as the registry gave it, and when. */
  record ServiceEntry(String url, java.time.Instant askedAt) {}

  record Entry(@JsonProperty("identityUrl") String identityUrl, @JsonProperty("username") String username,
      @JsonProperty("seed") String seed, @JsonProperty("certificate") String certificate) {
    @Override
    public String toString() {
      return "Entry[" + username + "]";
    }
  }
}
