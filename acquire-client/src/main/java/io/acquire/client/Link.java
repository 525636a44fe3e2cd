package io.acquire.client;

import io.acquire.client.internal.QrCodes;
import io.acquire.client.internal.Transport;
import io.acquire.client.internal.Transport.Safety;
import io.acquire.client.wire.Json;
import io.acquire.client.wire.SharingWire.CreateLink;
import io.acquire.client.wire.SharingWire.LinkInfo;
import io.acquire.client.wire.StorageWire;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.BiFunction;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * A link to a drive, a folder or a file (or one version of it) that anyone holding its URL
 * can use with a plain HTTP client and no account, until it expires, is revoked or has
 * answered its {@code maxUses} requests:
 *
 * <pre>{@code
 * Link link = drive.link("results/summary.json").read().expiresIn(Duration.ofDays(7)).maxUses(10).create();
 * link.url();       // curl -O <url>   (a write link: curl -T file <url>)
 * link.revoke();    // refused from the next request on
 * }</pre>
 *
 * <p>The URL carries the link's secret: whoever holds it can use the link. The service keeps
 * only a hash of the secret, so the URL is shown once, by the {@code Link} that
 * {@link Builder#create} returns; listed links ({@link Drive#links}) have none.
 * {@link #toString} never shows it.
 */
public final class Link {
  /** Where a link to a file of an encrypted drive carries the file's key: after {@code #}, never sent. */
  static final String KEY_FRAGMENT = "#key=";
  private final Transport storage;
  private final LinkInfo info;

  Link(Transport storage, LinkInfo info) {
    this.storage = storage;
    this.info = info;
  }

  public String id() {
    return info.id();
  }

  /** The file or folder the link reaches, relative to its drive; empty for the whole drive. */
  public String path() {
    return info.path();
  }

  /** True for a write link (uploads), false for a read link (downloads). */
  public boolean isWrite() {
    return "write".equals(info.mode());
  }

  public Instant expiresAt() {
    return info.expiresAt();
  }

  /** How many requests the link answers in all; empty if only its expiry limits it. */
  public OptionalInt maxUses() {
    return info.maxUses() == null ? OptionalInt.empty() : OptionalInt.of(info.maxUses());
  }

  /** How many requests it had answered when this snapshot was taken. */
  public int uses() {
    return info.uses();
  }

  public boolean isRevoked() {
    return info.revoked();
  }

  /** The file version a read link is pinned to, if any. */
  public Optional<Long> version() {
    return Optional.ofNullable(info.version());
  }

  /**
   * The link's URL, which holds its secret.
   *
   * @throws IllegalStateException for a listed link: the URL is shown only when the link is made
   */
  public String url() {
    if (info.url() == null) {
      throw new IllegalStateException("Link " + info.id() + "'s URL was shown only when it was made; the service "
          + "keeps just a hash of its secret. Make a new link if it is lost.");
    }
    return info.url();
  }

  /** Whether this {@code Link} knows its URL: only the one returned when it was made. */
  public boolean hasUrl() {
    return info.url() != null;
  }

  /** The URL as a QR code, a PNG image of 300×300 pixels. */
  public byte[] qrCodePng() {
    return QrCodes.png(url(), QrCodes.DEFAULT_SIZE);
  }

  /**
   * Downloads the file a read link reaches into {@code target}, with no account: written to a
   * temporary file beside it and moved into place once checked. A link to a file of an
   * encrypted drive carries its key after {@code #key=}; the file is decrypted and each chunk
   * authenticated on the way. A link without one gets the stored bytes, checked against
   * their SHA-256.
   *
   * @return the number of bytes written to {@code target}
   */
  public static long download(String url, Path target) {
    Objects.requireNonNull(url, "url == null");
    int hash = url.indexOf('#');
    String address = hash < 0 ? url : url.substring(0, hash);
    byte[] key = null;
    if (hash >= 0 && url.startsWith(KEY_FRAGMENT, hash)) {
      try {
        key = io.acquire.client.wire.Base64Url.decode(url.substring(hash + KEY_FRAGMENT.length()));
      } catch (IllegalArgumentException e) {
        key = null;
      }
      if (key == null || key.length != 32) {
        throw new IllegalArgumentException("The key after '#key=' in the link is damaged (it should be 32 bytes in "
            + "base64url); copy the whole link again.");
      }
    }
    Path temp = target.toAbsolutePath().resolveSibling("." + target.getFileName() + ".part");
    OkHttpClient http = new OkHttpClient.Builder().readTimeout(Duration.ofMinutes(2)).build();
    long written;
    try (Response response = http.newCall(new Request.Builder().url(address).build()).execute();
         OutputStream out = Files.newOutputStream(temp)) {
      if (!response.isSuccessful()) {
        throw new NotFoundException(response.code(), "link_refused", "The link answered " + response.code() + ": it "
            + "expired, was revoked, used up, or never existed.", null);
      }
      String storedSize = response.header(StorageWire.FILE_SIZE_HEADER);
      if (key != null) {
        byte[] fileKey = key;
        EncryptedTransfers.Decryptor decryptor = new EncryptedTransfers.Decryptor(header -> fileKey, "the linked file");
        decryptor.storedSize = storedSize == null ? -1 : Long.parseLong(storedSize);
        decryptor.consume(response.body().byteStream(), out, Drive.Progress.NONE);
        written = decryptor.plainDone;
      } else {
        java.security.DigestInputStream in = new java.security.DigestInputStream(response.body().byteStream(),
            java.security.MessageDigest.getInstance("SHA-256"));
        written = in.transferTo(out);
        String expected = response.header(StorageWire.FILE_SHA256_HEADER);
        if (expected != null && !java.util.HexFormat.of().formatHex(in.getMessageDigest().digest()).equals(expected)) {
          throw new InvalidResponseException(200, "The linked file does not match its checksum; nothing was written.",
              null);
        }
      }
    } catch (IOException e) {
      EncryptedTransfers.deleteQuietly(temp);
      throw new TransportException("Download through the link failed: " + e.getMessage(), e);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    } catch (RuntimeException e) {
      EncryptedTransfers.deleteQuietly(temp);
      throw e;
    } finally {
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
    }
    try {
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("Cannot move the download into " + target + ": " + e.getMessage(), e);
    }
    return written;
  }

  /** Revokes the link at once; revoking twice is harmless. Returns it as revoked. */
  public Link revoke() {
    Transport.Reply reply = storage.call("DELETE", "/drives/" + info.drive() + "/links/" + info.id(), null,
        Safety.SAFE, Map.of());
    LinkInfo revoked = Json.read(reply.body(), LinkInfo.class);
    return new Link(storage, new LinkInfo(revoked.id(), revoked.drive(), revoked.path(), revoked.version(),
        revoked.mode(), revoked.createdBy(), revoked.createdAt(), revoked.expiresAt(), revoked.maxUses(),
        revoked.uses(), revoked.revoked(), info.url()));
  }

  @Override
  public String toString() {
    return "Link[" + info.id() + " " + info.mode() + " " + (info.path().isEmpty() ? "whole drive" : info.path())
        + (info.version() == null ? "" : " v" + info.version()) + ", expires " + info.expiresAt()
        + (info.maxUses() == null ? "" : ", " + info.uses() + " of " + info.maxUses() + " uses")
        + (info.revoked() ? ", revoked" : "") + "]";
  }

  /** Describes a link before it is made: read by default, expiring in a day, with no use limit. */
  public static final class Builder {
    /** A link that is forgotten does the least harm if it expires soon. */
    public static final Duration DEFAULT_EXPIRY = Duration.ofDays(1);

    private final Transport storage;
    private final String drive;
    private final String path;
    private String mode = "read";
    private Long version;
    private Duration expiresIn = DEFAULT_EXPIRY;
    private Integer maxUses;
    /** For a file of an encrypted drive: its version and key, which the link carries after {@code #}. */
    private final BiFunction<String, Long, EncryptedTransfers.LinkKey> keyer;

    Builder(Transport storage, String drive, String path, BiFunction<String, Long, EncryptedTransfers.LinkKey> keyer) {
      this.storage = storage;
      this.drive = drive;
      this.path = Objects.requireNonNull(path, "path == null");
      this.keyer = keyer;
    }

    /** Downloads only (the default). */
    public Builder read() {
      mode = "read";
      return this;
    }

    /** Uploads only: each upload makes the next version of a file. */
    public Builder write() {
      mode = "write";
      return this;
    }

    /** A read link to this version of the file, rather than whatever is newest when it is used. */
    public Builder version(long version) {
      if (version < 1) {
        throw new IllegalArgumentException("Versions start at 1, not " + version + ".");
      }
      this.version = version;
      return this;
    }

    /** How long the link works: at least a second, at most 365 days (default a day). */
    public Builder expiresIn(Duration duration) {
      Objects.requireNonNull(duration, "duration == null");
      if (duration.toSeconds() < 1 || duration.compareTo(Duration.ofDays(365)) > 0) {
        throw new IllegalArgumentException("A link expires after 1 second to 365 days, not " + duration + ".");
      }
      this.expiresIn = duration;
      return this;
    }

    /** How many requests the link answers in all (each download, listing or upload is one). */
    public Builder maxUses(int uses) {
      if (uses < 1) {
        throw new IllegalArgumentException("A link needs at least one use, not " + uses + ".");
      }
      this.maxUses = uses;
      return this;
    }

    /**
     * Makes the link; needs the owner role on what it reaches. A link to a file of an
     * encrypted drive is pinned to one version (the newest unless {@link #version} says) and
     * its URL carries that version's key after {@code #}, which HTTP clients never send:
     * {@link Link#download} and the command line decrypt with it, a plain client gets ciphertext.
     *
     * @throws IllegalArgumentException for a folder or write link into an encrypted drive
     */
    public Link create() {
      EncryptedTransfers.LinkKey key = null;
      if (keyer != null) {
        if (mode.equals("write")) {
          throw new IllegalArgumentException("A write link into an encrypted drive would let a plain client store "
              + "plaintext in it; upload through the SDK instead.");
        }
        key = keyer.apply(path, version);
      }
      Long pinned = key != null ? Long.valueOf(key.version()) : version;
      LinkInfo made = storage.post("/drives/" + drive + "/links", new CreateLink(path, pinned, mode,
          expiresIn.toSeconds(), maxUses), LinkInfo.class, Safety.UNSAFE);
      if (key != null) {
        made = new LinkInfo(made.id(), made.drive(), made.path(), made.version(), made.mode(), made.createdBy(),
            made.createdAt(), made.expiresAt(), made.maxUses(), made.uses(), made.revoked(),
            made.url() + KEY_FRAGMENT + key.key());
      }
      return new Link(storage, made);
    }
  }
}
