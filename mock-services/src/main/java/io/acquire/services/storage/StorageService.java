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
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Storage at {@code /t/storage}: drives of versioned files, uploaded in checksummed chunks
 * that can be resent after an interruption, downloaded as one stream with byte ranges.
 * A drive belongs to its owner, who may share it (or a folder) with users and groups, or
 * by link ({@link SharingRoutes}); every route asks {@link AccessRules}. A job's output
 * drive is read-only to everyone and writable by the job's credential, whose scope is
 * {@code drive:<id>:write}.
 */
public final class StorageService implements Service {
  private static final Logger log = LoggerFactory.getLogger(StorageService.class);

  /** The longest a read may wait for its file to appear (the client's read timeout is 30 s). */
  static final java.time.Duration MAX_WAIT = java.time.Duration.ofSeconds(20);

  private final Drives drives;
  /** Every route's access check: owners, sharing rules and groups, jobs' credentials. */
  private final AccessRules access;
  private final SharingRoutes sharing;
  private final StoragePayments payments;
  private final FileTransfers transfers;
  private final Publications publications;
  private final ServiceContext context;
  private final Links links;
  private final ScheduledExecutorService sweeper;
  private final FileWaits waits;
  /** Present when chunks move straight between clients and the store (S3); see {@link DirectChunks}. */
  private final Optional<DirectChunks> direct;
  /** Answers reads whose wait ended, off the thread that noticed (it checks every waiter). */
  private final java.util.concurrent.ExecutorService responder;

  public StorageService(ServiceContext context) {
    this.drives = new Drives(context.objects(), context.clock());
    this.context = context;
    this.publications = new Publications(drives, context.objects(), context.clock(), Minters.fromOptions(context),
        context.option("publisher", "Acquire"));
    this.access = new AccessRules(context.objects(), drives, new Groups(context.objects(), context.clock()),
        context.clock());
    this.payments = new StoragePayments(drives, context.objects(), context.clock(),
        io.acquire.services.accounting.Billing.of(context), StoragePrices.of(context));
    this.transfers = new FileTransfers(drives, payments, context.clock());
    this.links = new Links(context.objects(), drives, access, context.clock());
    this.sharing = new SharingRoutes(context.objects(), drives, access, links, context::url, transfers, this::info);
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
    int directSeconds = context.intOption("direct-expiry-seconds", 300);
    if (directSeconds < 1 || directSeconds > 3600) {
      throw new IllegalArgumentException("Option storage.direct-expiry-seconds must be 1 to 3600");
    }
    String directOption = context.option("direct", "true");
    if (!directOption.equals("true") && !directOption.equals("false")) {
      throw new IllegalArgumentException("Option storage.direct must be true or false, not '" + directOption + "'");
    }
    this.direct = DirectChunks.of(context.objects().store(), drives, directOption.equals("true"),
        java.time.Duration.ofSeconds(directSeconds), context.clock());
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
        int lapsed = payments.sweep();
        if (lapsed > 0) {
          log.info("Deleted {} file versions whose paid storage ended over {} days ago", lapsed,
              payments.prices().grace().toDays());
        }
        int expired = links.sweepExpired();
        if (expired > 0) {
          log.info("Swept {} links expired over {} days ago", expired, Links.KEPT_AFTER_EXPIRY.toDays());
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
    routes.post("/drives", routes.forPeople((ctx, caller) -> {
          OpenDrive request = Bodies.json(ctx, OpenDrive.class);
          String account = request.account() == null ? null
              : payments.requireOwned(caller.username(), Bodies.required("account", request.account(), 64));
          ctx.json(info(drives.open(caller.username(), request.name(), account)));
        }))
        .get("/drives", routes.forPeople((ctx, caller) ->
            ctx.json(new DriveList(drives.of(caller.username()).stream().map(this::info).toList()))))
        .get("/drives/{drive}", routes.signed((ctx, caller) -> ctx.json(info(access(ctx, caller).drive()))))
        .post("/drives/{drive}/uploads", routes.signed(this::startUpload))
        .delete("/drives/{drive}/uploads/{upload}", routes.signed((ctx, caller) -> {
          Writing writing = writing(ctx, caller);
          drives.abort(writing.upload());
          payments.release(writing.access().drive(), writing.upload().id());
          ctx.status(204);
        }))
        .get("/drives/{drive}/uploads/{upload}", routes.signed((ctx, caller) ->
            ctx.json(status(upload(ctx, caller)))))
        .put("/drives/{drive}/uploads/{upload}/chunks/{n}", routes.signed((ctx, caller) -> {
          Upload upload = upload(ctx, caller);
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
        .post("/drives/{drive}/uploads/{upload}/direct", routes.signed((ctx, caller) -> {
          Upload upload = upload(ctx, caller);
          DirectChunks chunks = direct.orElseThrow(() -> ApiException.conflict("This backend's store takes chunks "
              + "through the service: PUT them to /drives/{drive}/uploads/{upload}/chunks/{n}."));
          ctx.json(chunks.uploadUrls(upload, Bodies.json(ctx, StorageWire.DirectRequest.class)));
        }))
        .post("/drives/{drive}/uploads/{upload}/complete", routes.signed((ctx, caller) -> {
          Writing writing = writing(ctx, caller);
          AccessRules.Access access = writing.access();
          Upload upload = writing.upload();
          // The body may be empty when the file's SHA-256 was announced at the start.
          CompleteUpload claimed = RequestVerifier.body(ctx).length == 0 ? null : Bodies.json(ctx, CompleteUpload.class);
          StorageWire.FileVersion version = drives.complete(upload, claimed);
          payments.paidUpload(access.drive(), upload.id(), version, upload.id());
          waits.written(upload.drive(), upload.path());
          ctx.json(version);
        }))
        .put("/drives/{drive}/files", routes.signed(this::writeSmall))
        .get("/drives/{drive}/files", routes.signed((ctx, caller) -> {
          AccessRules.Access access = access(ctx, caller);
          // Someone given only a folder sees only the files under it.
          ctx.json(new FileList(drives.list(access.drive(), ctx.queryParam("prefix")).stream()
              .filter(f -> access.reads(f.path())).toList()));
        }))
        .get("/drives/{drive}/versions", routes.signed((ctx, caller) -> {
          AccessRules.Access access = access(ctx, caller);
          access.require(DrivePaths.normalise(ctx.queryParam("path")), AccessRules.Role.READER);
          ctx.json(new FileList(drives.versions(access.drive(), ctx.queryParam("path"))));
        }))
        .get("/drives/{drive}/content", routes.signed(this::download));
    StoragePaymentRoutes.mount(routes, drives, payments, this::ownedByPerson, this::info,
        publications::requireUnpublished);
    JobDriveCalls.mount(routes, drives, payments, access);
    PublicationRoutes.mount(routes, publications, context::url);
    sharing.mount(routes);
    new EncryptionKeys(context.objects(), access, context.clock()).mount(routes);
  }

  /** A small file in one request: the next version of {@code ?path=}, checked against its claimed SHA-256. */
  private void writeSmall(Context ctx, Caller caller) throws java.io.IOException {
    AccessRules.Access access = access(ctx, caller);
    DriveRecord drive = access.drive();
    access.require(DrivePaths.normalise(ctx.queryParam("path")), AccessRules.Role.WRITER);
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
    String path = DrivePaths.normalise(ctx.queryParam("path"));
    ctx.status(201).json(transfers.write(drive, path, body));
    waits.written(drive.id(), path);
  }

  /**
   * A download; with {@code ?wait=<seconds>} and no such file yet, the answer waits until the
   * file appears or the seconds pass (then 404 as without a wait): how a client follows a
   * running job's record parts without asking again and again.
   */
  private void download(Context ctx, Caller caller) {
    AccessRules.Access access = access(ctx, caller);
    access.require(DrivePaths.normalise(ctx.queryParam("path")), AccessRules.Role.READER);
    DriveRecord drive = access.drive();
    java.time.Duration wait = waitParam(ctx);
    String path = ctx.queryParam("path");
    if (wait.isZero() || path == null || ctx.queryParam("version") != null
        || drives.exists(drive.id(), DrivePaths.normalise(path))) {
      serve(ctx, drive);
      return;
    }
    CompletableFuture<FileWaits.Outcome> waited =
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
    if (direct.isPresent() && ctx.header(StorageWire.DIRECT_HEADER) != null && ctx.header("Range") == null
        && version.size() > 0) {
      // The payment's check, the chunk size and the chunks' listing are round trips to the
      // store: side by side.
      CompletableFuture<Boolean> readable = SideBySide.start(() -> {
        payments.requireReadable(drive, version);
        return true;
      });
      CompletableFuture<Integer> chunkSize = SideBySide.start(() -> drives.chunkSize(version));
      Optional<StorageWire.DirectDownload> urls = direct.get().download(version,
          () -> SideBySide.joined(chunkSize));
      SideBySide.joined(readable);
      if (urls.isPresent()) {
        FileTransfers.fileHeaders(ctx, version);
        ctx.contentType(StorageWire.DIRECT_CONTENT_TYPE).result(io.acquire.client.wire.Json.write(urls.get()));
        return;
      }
    }
    transfers.send(ctx, drive, version);
  }


  /** What the caller may do on the drive in the path; a 404 if nothing ({@link AccessRules}). */
  private AccessRules.Access access(Context ctx, Caller caller) {
    return access.of(ctx.pathParam("drive"), caller);
  }

  /**
   * Starts an upload: its record is written beside the drive's payment standing (a read of
   * its payment records), then the storage is held; with the store URLs of the chunks the
   * client named, when chunks go straight to the store. A refusal after the record is written
   * aborts the upload and releases what was held.
   */
  private void startUpload(Context ctx, Caller caller) {
    AccessRules.Access access = access(ctx, caller);
    StartUpload request = Bodies.json(ctx, StartUpload.class);
    access.require(DrivePaths.normalise(request.path()), AccessRules.Role.WRITER);
    DriveRecord drive = access.drive();
    CompletableFuture<Boolean> writable = SideBySide.start(() -> {
      payments.requireWritable(drive);
      return true;
    });
    Upload upload = drives.startUpload(drive, request.path(), request.size(), request.sha256(), request.chunkSize());
    List<StorageWire.DirectUrl> urls = List.of();
    try {
      SideBySide.joined(writable);
      payments.holdFor(drive, upload.id(), upload.path(), upload.size(),
          upload.createdAt().plus(Drives.UPLOAD_LIFETIME).plus(Drives.SWEEP_MARGIN));
      if (direct.isPresent()) {
        direct.get().started(upload);
        if (request.chunks() != null && !request.chunks().isEmpty() && upload.size() > 0) {
          urls = direct.get().uploadUrls(upload, new StorageWire.DirectRequest(request.chunks())).urls();
        }
      }
    } catch (RuntimeException refused) {
      drives.abort(upload);
      payments.release(drive, upload.id());
      throw refused;
    }
    ctx.status(201).json(status(upload, List.of(), urls));
  }

  /** The upload in the path, if the caller may write the file it will become. */
  private Upload upload(Context ctx, Caller caller) {
    return writing(ctx, caller).upload();
  }

  /** An upload and what its writer may do on its drive. */
  private record Writing(AccessRules.Access access, Upload upload) {}

  /** {@link #upload}, with the caller's access: the upload's record and the drive's read side by side. */
  private Writing writing(Context ctx, Caller caller) {
    String id = ctx.pathParam("upload");
    CompletableFuture<Optional<Upload>> found = SideBySide.start(() -> drives.upload(id));
    AccessRules.Access access = access(ctx, caller);
    Upload upload = SideBySide.joined(found).filter(u -> u.drive().equals(access.drive().id()))
        .orElseThrow(() -> ApiException.notFound("No upload " + id + " in this drive."));
    access.require(upload.path(), AccessRules.Role.WRITER);
    return new Writing(access, upload);
  }

  private UploadStatus status(Upload upload) {
    return status(upload, drives.received(upload), List.of());
  }

  private UploadStatus status(Upload upload, List<Integer> received, List<StorageWire.DirectUrl> urls) {
    return new UploadStatus(upload.id(), upload.path(), upload.size(), upload.sha256(), upload.chunkSize(),
        upload.chunks(), received, direct.isPresent() && upload.size() > 0, urls);
  }

  private DriveInfo info(DriveRecord drive) {
    StoragePayments.Standing standing = payments.standing(drive);
    return new DriveInfo(drive.id(), drive.name(), drive.owner(), drive.readOnly(), drive.createdAt(),
        drive.account(), standing.paidUntil(), standing.frozen(), standing.notice(), standing.deletesAt());
  }

  /**
   * The drive in the path if the caller is a person who owns it, output drives included:
   * paying for, deleting and archiving storage are the owner's, never a job's.
   */
  private DriveRecord ownedByPerson(Context ctx, Caller caller) {
    if (!caller.hasUserScope()) {
      throw ApiException.forbidden("This session's scope (" + caller.scope() + ") cannot pay for, delete or archive "
          + "storage; only the drive's owner can.");
    }
    String id = ctx.pathParam("drive");
    return drives.get(id).filter(d -> d.owner().equals(caller.username()))
        .orElseThrow(() -> ApiException.notFound("You have no drive " + id + "."));
  }

}
