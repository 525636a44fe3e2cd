package io.acquire.services.console;

import static io.acquire.services.http.HtmlText.escape;

import io.acquire.client.Drive;
import io.acquire.client.FileVersion;
import io.acquire.client.User;
import io.acquire.services.console.Console.Refused;
import io.acquire.services.console.Console.Session;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * Files into and out of a drive from the browser: a multipart form uploads (as the SDK does,
 * in verified chunks, so a file is stored whole or not at all) and a link downloads as an
 * attachment, with byte ranges for resuming. Both pass through a scratch file, because the
 * SDK checks a download's checksum only once it is complete; the scratch file is removed
 * when the response (or the upload) is done.
 */
final class Transfers {
  private final Pages pages;
  private Path scratch;

  Transfers(Pages pages) {
    this.pages = pages;
  }

  void upload(Context ctx, Session session, User user) throws IOException {
    Drive drive = Drive.byId(user, ctx.pathParam("drive"));
    UploadedFile file = ctx.uploadedFile("upload-file");
    if (file == null || file.filename() == null || file.filename().isBlank()) {
      throw new Refused("Choose a file to upload.");
    }
    String folder = ctx.formParam("upload-folder");
    String path = (folder == null || folder.isBlank() ? "" : folder.strip().replaceAll("/+$", "") + "/")
        + baseName(file.filename());
    Path temp = scratchFile();
    try {
      try (InputStream in = file.content()) {
        Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
      }
      FileVersion stored = drive.upload(temp, path);
      pages.drivePage(ctx, session, drive, "<p class=\"notice\" role=\"status\" id=\"message\">Uploaded "
          + escape(stored.path()) + " as version " + stored.version() + " (" + stored.size() + " bytes).</p>");
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  void download(Context ctx, Session session, User user) throws IOException {
    Drive drive = Drive.byId(user, ctx.pathParam("drive"));
    String path = ctx.queryParam("path");
    if (path == null || path.isBlank()) {
      throw new Refused("Name the file to download (?path=...).");
    }
    long version = 0;
    String asked = ctx.queryParam("version");
    if (asked != null && !asked.isBlank()) {
      try {
        version = Long.parseLong(asked.strip());
      } catch (NumberFormatException e) {
        version = -1;
      }
      if (version < 1) {
        throw new Refused("A version is a whole number from 1, not '" + asked + "'.");
      }
    }
    Path temp = scratchFile();
    InputStream content;
    long size;
    try {
      drive.download(path, version, temp, Drive.Progress.NONE);
      size = Files.size(temp);
      // Removed when Javalin closes the stream after the response, whole or ranged.
      content = Files.newInputStream(temp, StandardOpenOption.DELETE_ON_CLOSE);
    } catch (RuntimeException | IOException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
    String name = baseName(path);
    ctx.header("Content-Disposition", "attachment; filename=\"" + name.replaceAll("[^A-Za-z0-9._ -]", "_")
        + "\"; filename*=UTF-8''" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"))
        .header("X-Content-Type-Options", "nosniff").header("Cache-Control", "no-store");
    ctx.writeSeekableStream(content, "application/octet-stream", size);
  }

  /** The last part of a path or of a browser's file name (some send the whole local path). */
  static String baseName(String name) {
    String base = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1).strip();
    if (base.isEmpty()) {
      throw new Refused("'" + name + "' names a folder, not a file.");
    }
    return base;
  }

  /** A fresh name in this console's own temporary directory (private to this process's user), made on first use. */
  private synchronized Path scratchFile() {
    if (scratch == null) {
      try {
        scratch = Files.createTempDirectory("acquire-console");
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot make a temporary directory for the console's transfers: "
            + e.getMessage(), e);
      }
    }
    return scratch.resolve(UUID.randomUUID().toString());
  }
}
