package io.acquire.services.storage;

import io.acquire.client.wire.StorageWire;
import io.acquire.client.wire.StorageWire.CompleteUpload;
import io.acquire.client.wire.StorageWire.DriveInfo;
import io.acquire.client.wire.StorageWire.DriveList;
import io.acquire.client.wire.StorageWire.FileList;
import io.acquire.client.wire.StorageWire.OpenDrive;
import io.acquire.client.wire.StorageWire.StartUpload;
import io.acquire.client.wire.StorageWire.UploadStatus;
import io.acquire.services.Service;
import io.acquire.services.ServiceContext;
import io.acquire.services.http.ApiException;
import io.acquire.services.http.Bodies;
import io.acquire.services.http.Caller;
import io.acquire.services.http.RequestVerifier;
import io.acquire.services.http.Routes;
import io.acquire.services.storage.Drives.DriveRecord;
import io.acquire.services.storage.Drives.Upload;
import io.acquire.services.storage.Drives.Version;
import io.javalin.http.Context;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Storage at {@code /t/storage}: drives of versioned files, uploaded in checksummed chunks
 * that can be resent after an interruption, downloaded as one stream with byte ranges.
 * A drive belongs to its owner; a job's output drive is read-only to its owner and
 * writable by the job's credential, whose scope is {@code drive:<id>:write}.
 */
public final class StorageService implements Service {
  private static final Logger log = LoggerFactory.getLogger(StorageService.class);

  /** The longest a read may wait for its file to appear (the client's read timeout is 30 s). */
  static final java.time.Duration MAX_WAIT = java.time.Duration.ofSeconds(20);

  private final Drives drives;
  private final ScheduledExecutorService sweeper;
  private final FileWaits waits;
  /** Answers reads whose wait ended, off the thread that noticed (it checks every waiter). */
  private final java.util.concurrent.ExecutorService responder;

  public StorageService(ServiceContext context) {
    this.drives = new Drives(context.objects(), context.clock());
    int sweepSeconds = context.intOption("sweep-seconds", 3600);
    if (sweepSeconds < 1) {
      throw new IllegalArgumentException("Option storage.sweep-seconds must be at least 1");
    }
    int waitCheckMillis = context.intOption("wait-check-millis", 50);
    int maxWaiting = context.intOption("max-waiting-reads", 1000);
    if (waitCheckMillis < 1 || maxWaiting < 0) {
      throw new IllegalArgumentException("Options storage.wait-check-millis must be at least 1 and "
          + "storage.max-waiting-reads at least 0");
    }
    this.waits = new FileWaits(maxWaiting, java.time.Duration.ofMillis(waitCheckMillis), drives::exists);
    this.responder = Executors.newCachedThreadPool(r -> {
      Thread thread = new Thread(r, "acquire-waited-read");
      thread.setDaemon(true);
      return thread;
    });
    this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "acquire-upload-sweeper");
      thread.setDaemon(true);
      return thread;
    });
    sweeper.scheduleWithFixedDelay(() -> {
      try {
        int swept = drives.sweepAbandoned();
        if (swept > 0) {
          log.info("Swept {} uploads left unfinished for over {} days", swept, Drives.UPLOAD_LIFETIME.toDays());
        }
      } catch (RuntimeException e) {
        log.warn("Upload sweep failed; it will run again", e);
      }
    }, sweepSeconds, sweepSeconds, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    sweeper.shutdownNow();
    waits.close();
    responder.shutdown();
  }

  @Override
  public void mount(Routes routes) {
    routes.post("/drives", routes.forPeople((ctx, caller) ->
            ctx.json(info(drives.open(caller.username(), Bodies.json(ctx, OpenDrive.class).name())))))
        .get("/drives", routes.forPeople((ctx, caller) ->
            ctx.json(new DriveList(drives.of(caller.username()).stream().map(StorageService::info).toList()))))
        .get("/drives/{drive}", routes.signed((ctx, caller) -> ctx.json(info(readable(ctx, caller)))))
        .post("/drives/{drive}/uploads", routes.signed((ctx, caller) -> {
          DriveRecord drive = writable(ctx, caller);
          StartUpload request = Bodies.json(ctx, StartUpload.class);
          Upload upload = drives.startUpload(drive, request.path(), request.size(), request.sha256(), request.chunkSize());
          ctx.status(201).json(status(upload));
        }))
        .get("/drives/{drive}/uploads/{upload}", routes.signed((ctx, caller) ->
            ctx.json(status(upload(ctx, writable(ctx, caller))))))
        .put("/drives/{drive}/uploads/{upload}/chunks/{n}", routes.signed((ctx, caller) -> {
          Upload upload = upload(ctx, writable(ctx, caller));
          int n;
          try {
            n = Integer.parseInt(ctx.pathParam("n"));
          } catch (NumberFormatException e) {
            throw ApiException.badRequest("Chunk number must be a whole number, not '" + ctx.pathParam("n") + "'.");
          }
          long length = ctx.req().getContentLengthLong();
          drives.putChunk(upload, n, RequestVerifier.bodyStream(ctx), length >= 0 ? length : RequestVerifier.body(ctx).length,
              ctx.header(StorageWire.CHUNK_SHA256_HEADER), RequestVerifier.bodySha256(ctx));
          ctx.status(204);
        }))
        .post("/drives/{drive}/uploads/{upload}/complete", routes.signed((ctx, caller) -> {
          Upload upload = upload(ctx, writable(ctx, caller));
          // The body may be empty when the file's SHA-256 was announced at the start.
          CompleteUpload claimed = RequestVerifier.body(ctx).length == 0 ? null : Bodies.json(ctx, CompleteUpload.class);
          ctx.json(drives.complete(upload, claimed));
          waits.written(upload.drive(), upload.path());
        }))
        .put("/drives/{drive}/files", routes.signed(this::writeSmall))
        .get("/drives/{drive}/files", routes.signed((ctx, caller) ->
            ctx.json(new FileList(drives.list(readable(ctx, caller), ctx.queryParam("prefix"))))))
        .get("/drives/{drive}/versions", routes.signed((ctx, caller) ->
            ctx.json(new FileList(drives.versions(readable(ctx, caller), ctx.queryParam("path"))))))
        .get("/drives/{drive}/content", routes.signed(this::download));
    JobDriveCalls.mount(routes, drives);
  }

  /** A small file in one request: the next version of {@code ?path=}, checked against its claimed SHA-256. */
  private void writeSmall(Context ctx, Caller caller) throws java.io.IOException {
    DriveRecord drive = writable(ctx, caller);
    String claimed = ctx.header(StorageWire.FILE_SHA256_HEADER);
    if (claimed == null || claimed.isBlank()) {
      throw ApiException.badRequest("Header " + StorageWire.FILE_SHA256_HEADER + " must give the file's SHA-256.");
    }
    byte[] body = RequestVerifier.body(ctx);
    if (body.length > Drives.MAX_CHUNK) {
      throw ApiException.tooLarge("A file written in one request is at most " + Drives.MAX_CHUNK
          + " bytes; upload larger files in chunks (POST /drives/{drive}/uploads).");
    }
    String actual = RequestVerifier.bodySha256(ctx);
    if (!actual.equals(claimed.strip().toLowerCase(java.util.Locale.ROOT))) {
      throw ApiException.badRequest("File checksum mismatch: the body's SHA-256 is " + actual + ", not the claimed "
          + claimed + "; nothing was written.");
    }
    ctx.status(201).json(drives.write(drive, ctx.queryParam("path"), new java.io.ByteArrayInputStream(body),
        body.length));
    waits.written(drive.id(), DrivePaths.normalise(ctx.queryParam("path")));
  }

  /**
   * A download; with {@code ?wait=<seconds>} and no such file yet, the answer waits until the
   * file appears or the seconds pass (then 404 as without a wait): how a client follows a
   * running job's record parts without asking again and again.
   */
  private void download(Context ctx, Caller caller) {
    DriveRecord drive = readable(ctx, caller);
    java.time.Duration wait = waitParam(ctx);
    String path = ctx.queryParam("path");
    if (wait.isZero() || path == null || ctx.queryParam("version") != null
        || drives.exists(drive.id(), DrivePaths.normalise(path))) {
      serve(ctx, drive);
      return;
    }
    java.util.concurrent.CompletableFuture<FileWaits.Outcome> waited =
        waits.await(drive.id(), DrivePaths.normalise(path), wait);
    if (waited == null) {
      serve(ctx, drive); // too many reads waiting already: answer now, as without a wait
      return;
    }
    ctx.future(() -> waited.thenAcceptAsync(outcome -> serve(ctx, drive), responder));
  }

  private static java.time.Duration waitParam(Context ctx) {
    String text = ctx.queryParam("wait");
    if (text == null) {
      return java.time.Duration.ZERO;
    }
    long seconds;
    try {
      seconds = Long.parseLong(text.strip());
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("Query 'wait' must be a whole number of seconds (0 to " + MAX_WAIT.toSeconds()
          + "), not '" + text + "'.");
    }
    if (seconds < 0 || seconds > MAX_WAIT.toSeconds()) {
      throw ApiException.badRequest("Query 'wait' must be 0 to " + MAX_WAIT.toSeconds() + " seconds, not " + seconds
          + ".");
    }
    return java.time.Duration.ofSeconds(seconds);
  }

  private void serve(Context ctx, DriveRecord drive) {
    String versionParam = ctx.queryParam("version");
    Long wanted = null;
    if (versionParam != null) {
      try {
        wanted = Long.parseLong(versionParam);
      } catch (NumberFormatException e) {
        throw ApiException.badRequest("Query 'version' must be a whole number.");
      }
    }
    Version version = drives.version(drive, ctx.queryParam("path"), wanted);
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
    if (version.crc32c() != null) {
      ctx.header(StorageWire.FILE_CRC32C_HEADER, version.crc32c());
    }
    ctx.header(StorageWire.FILE_SHA256_HEADER, version.sha256())
        .header(StorageWire.FILE_VERSION_HEADER, Long.toString(version.version()))
        .header(StorageWire.FILE_SIZE_HEADER, Long.toString(version.size()))
        .header(StorageWire.FILE_CREATED_HEADER, version.createdAt().toString())
        .header("Accept-Ranges", "bytes")
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

  private DriveRecord readable(Context ctx, Caller caller) {
    return access(ctx, caller, false);
  }

  private DriveRecord writable(Context ctx, Caller caller) {
    return access(ctx, caller, true);
  }

  /**
   * The drive in the path if the caller may use it: a person their own drives (output
   * drives read-only), a job's credential only the drives its scope names.
   */
  private DriveRecord access(Context ctx, Caller caller, boolean write) {
    String id = ctx.pathParam("drive");
    java.util.Optional<DriveRecord> found = drives.get(id);
    if (caller.hasUserScope()) {
      DriveRecord drive = found.filter(d -> d.owner().equals(caller.username()))
          .orElseThrow(() -> ApiException.notFound("You have no drive " + id + "."));
      if (write && drive.readOnly()) {
        throw ApiException.forbidden("Drive " + drive.name() + " holds a job's outputs and is read-only to you.");
      }
      return drive;
    }
    // Compute names only its job's own drives; a credential still never reaches past its owner's.
    DriveRecord drive = found
        .filter(d -> d.owner().equals(caller.username()) && caller.mayAccessDrive(d.id(), false))
        .orElseThrow(() -> ApiException.notFound("This session's scope (" + caller.scope() + ") covers no drive "
            + id + "."));
    if (write && !caller.mayAccessDrive(drive.id(), true)) {
      throw ApiException.forbidden("This session's scope (" + caller.scope() + ") may read drive " + drive.id()
          + " but not change it.");
    }
    return drive;
  }

  private Upload upload(Context ctx, DriveRecord drive) {
    return drives.upload(drive, ctx.pathParam("upload"))
        .orElseThrow(() -> ApiException.notFound("No upload " + ctx.pathParam("upload") + " in this drive."));
  }

  private UploadStatus status(Upload upload) {
    return new UploadStatus(upload.id(), upload.path(), upload.size(), upload.sha256(), upload.chunkSize(),
        upload.chunks(), drives.received(upload));
  }

  private static DriveInfo info(DriveRecord drive) {
    return new DriveInfo(drive.id(), drive.name(), drive.owner(), drive.readOnly(), drive.createdAt());
  }

}
