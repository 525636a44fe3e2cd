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
  static final String OWNED = "/service/drives/owned";
  static final String NEWEST = "/service/drives/newest";
  static final String OUTPUT = "/service/output-drives";
  private static final Set<String> CALLERS = Set.of("compute");

  record Owned(String owner, String drive) {}

  record Newest(String owner, String drive, List<String> paths) {}

  record Paths(List<String> paths) {}

  record Output(String owner, String name) {}

  private JobDriveCalls() {}

  static void mount(Routes routes, Drives drives) {
    JobDrives local = new JobDrives.Local(drives);
    routes.post(OWNED, routes.forServices(CALLERS, (ctx, service) -> {
      Owned request = Bodies.json(ctx, Owned.class);
      ctx.json(local.owned(Bodies.required("owner", request.owner(), 64), Bodies.required("drive", request.drive(), 64)));
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
    routes.post(OUTPUT, routes.forServices(CALLERS, (ctx, service) -> {
      Output request = Bodies.json(ctx, Output.class);
      ctx.json(local.createOutputDrive(Bodies.required("owner", request.owner(), 64),
          Bodies.required("name", request.name(), 64)));
    }));
  }
}
