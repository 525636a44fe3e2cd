package io.acquire.services.storage;

import io.acquire.services.http.ApiException;
import io.acquire.services.http.Bodies;
import io.acquire.services.http.Routes;
import io.acquire.services.storage.Drives.DriveRecord;
import java.util.List;
import java.util.Set;

/**
 * Storage's endpoints for compute on another host ({@link RemoteJobDrives}), each taking
 * only calls signed by compute's registered key. All are idempotent: two reads, and an
 * output drive made once per name.
 */
final class JobDriveCalls {
  static final String READABLE = "/service/drives/readable";
  static final String NEWEST = "/service/drives/newest";
  static final String OUTPUT = "/service/output-drives";
  static final String HEAD = "/service/drives/head";
  static final String SIZES = "/service/drives/sizes";
  static final String OUTPUT_PRICE = "/service/output-drives/price";
  static final String OUTPUT_PAID = "/service/output-drives/paid";
  /** The most of a file's head compute may read (its settings, at quote time). */
  static final int MAX_HEAD_BYTES = 1024 * 1024 + 1;
  private static final Set<String> CALLERS = Set.of("compute");

  record Owned(String owner, String drive) {}

  record Readable(String user, String drive, List<String> paths) {}

  record Newest(String owner, String drive, List<String> paths) {}

  record Paths(List<String> paths) {}

  record Output(String owner, String name) {}

  record Sizes(List<Long> sizes) {}

  record Price(long minor) {}

  record OutputPaid(String owner, String drive, String account, long chargedMinor, String job) {}

  record Head(String owner, String drive, String path, int maxBytes) {}

  /** Bytes travel as Base64 in JSON: small, and only between services. */
  record Content(byte[] data) {}

  private JobDriveCalls() {}

  static void mount(Routes routes, Drives drives, StoragePayments payments, AccessRules rules) {
    JobDrives.Local local = new JobDrives.Local(drives, payments, rules);
    routes.post(SIZES, routes.forServices(CALLERS, (ctx, service) -> {
      Newest request = Bodies.json(ctx, Newest.class);
      if (request.paths() == null || request.paths().size() > 64) {
        throw ApiException.badRequest("Field 'paths' is required: 0 to 64 file paths.");
      }
      DriveRecord drive = local.owned(Bodies.required("owner", request.owner(), 64),
          Bodies.required("drive", request.drive(), 64));
      ctx.json(new Sizes(local.newestSizes(drive, request.paths())));
    }));
    routes.post(OUTPUT_PRICE, routes.forServices(CALLERS, (ctx, service) -> {
      Owned request = Bodies.json(ctx, Owned.class);
      ctx.json(new Price(local.yearOfOutputs(Bodies.required("owner", request.owner(), 64),
          Bodies.required("drive", request.drive(), 64))));
    }));
    routes.post(OUTPUT_PAID, routes.forServices(CALLERS, (ctx, service) -> {
      OutputPaid request = Bodies.json(ctx, OutputPaid.class);
      if (request.chargedMinor() < 0) {
        throw ApiException.badRequest("Field 'chargedMinor' must not be negative.");
      }
      local.paidOutputs(Bodies.required("owner", request.owner(), 64), Bodies.required("drive", request.drive(), 64),
          Bodies.required("account", request.account(), 64), request.chargedMinor(),
          Bodies.required("job", request.job(), 64));
      ctx.json(new Price(request.chargedMinor()));
    }));
    routes.post(READABLE, routes.forServices(CALLERS, (ctx, service) -> {
      Readable request = Bodies.json(ctx, Readable.class);
      if (request.paths() == null || request.paths().size() > 64) {
        throw ApiException.badRequest("Field 'paths' is required: 0 to 64 file paths.");
      }
      ctx.json(local.readable(Bodies.required("user", request.user(), 64), Bodies.required("drive", request.drive(), 64),
          request.paths()));
    }));
    routes.post(NEWEST, routes.forServices(CALLERS, (ctx, service) -> {
      Newest request = Bodies.json(ctx, Newest.class);
      if (request.paths() == null || request.paths().size() > 64) {
        throw ApiException.badRequest("Field 'paths' is required: 0 to 64 file paths.");
      }
      DriveRecord drive = local.owned(Bodies.required("owner", request.owner(), 64),
          Bodies.required("drive", request.drive(), 64));
      ctx.json(new Paths(local.newestPaths(drive, request.paths())));
    }));
    routes.post(HEAD, routes.forServices(CALLERS, (ctx, service) -> {
      Head request = Bodies.json(ctx, Head.class);
      if (request.maxBytes() < 0 || request.maxBytes() > MAX_HEAD_BYTES) {
        throw ApiException.badRequest("Field 'maxBytes' must be 0 to " + MAX_HEAD_BYTES + ", not " + request.maxBytes()
            + ".");
      }
      DriveRecord drive = local.owned(Bodies.required("owner", request.owner(), 64),
          Bodies.required("drive", request.drive(), 64));
      ctx.json(new Content(local.head(drive, Bodies.required("path", request.path(), 1024), request.maxBytes())));
    }));
    routes.post(OUTPUT, routes.forServices(CALLERS, (ctx, service) -> {
      Output request = Bodies.json(ctx, Output.class);
      ctx.json(local.createOutputDrive(Bodies.required("owner", request.owner(), 64),
          Bodies.required("name", request.name(), 64)));
    }));
  }
}
