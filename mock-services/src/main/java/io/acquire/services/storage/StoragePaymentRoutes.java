package io.acquire.services.storage;

import io.acquire.client.wire.StorageWire.Archive;
import io.acquire.client.wire.StorageWire.Delete;
import io.acquire.client.wire.StorageWire.DriveInfo;
import io.acquire.client.wire.StorageWire.Extend;
import io.acquire.client.wire.StorageWire.PaymentList;
import io.acquire.client.wire.StorageWire.SetAccount;
import io.acquire.services.http.ApiException;
import io.acquire.services.http.Bodies;
import io.acquire.services.http.Caller;
import io.acquire.services.http.Routes;
import io.acquire.services.storage.Drives.DriveRecord;
import io.acquire.services.storage.Drives.Version;
import io.javalin.http.Context;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The owner's storage-payment endpoints: the paying account, deleting for a refund,
 * extending, archiving and restoring, and what each file version paid. Kept apart from
 * {@link StorageService}'s transfer endpoints; see docs/storage-prices.md.
 */
final class StoragePaymentRoutes {
  private StoragePaymentRoutes() {}

  static void mount(Routes routes, Drives drives, StoragePayments payments,
      BiFunction<Context, Caller, DriveRecord> owned, Function<DriveRecord, DriveInfo> info,
      java.util.function.BiConsumer<DriveRecord, List<Version>> mayDelete) {
    routes.put("/drives/{drive}/account", routes.forPeople((ctx, caller) -> {
      DriveRecord drive = owned.apply(ctx, caller);
      String account = Bodies.required("account", Bodies.json(ctx, SetAccount.class).account(), 64);
      ctx.json(info.apply(payments.setAccount(drive, account)));
    }))
        .post("/drives/{drive}/delete", routes.forPeople((ctx, caller) -> {
          DriveRecord drive = owned.apply(ctx, caller);
          List<Version> versions = chosen(drives, drive, Bodies.json(ctx, Delete.class));
          mayDelete.accept(drive, versions);
          ctx.json(payments.delete(drive, versions));
        }))
        // The refund a deletion would give now, shown before the person confirms; nothing changes.
        .post("/drives/{drive}/delete/quote", routes.forPeople((ctx, caller) -> {
          DriveRecord drive = owned.apply(ctx, caller);
          List<Version> versions = chosen(drives, drive, Bodies.json(ctx, Delete.class));
          mayDelete.accept(drive, versions);
          ctx.json(payments.refundIfDeleted(drive, versions));
        }))
        .delete("/drives/{drive}", routes.forPeople((ctx, caller) -> {
          DriveRecord drive = owned.apply(ctx, caller);
          mayDelete.accept(drive, drives.allVersions(drive, ""));
          ctx.json(payments.deleteDrive(drive));
        }))
        .post("/drives/{drive}/extend", routes.forPeople((ctx, caller) -> {
          DriveRecord drive = owned.apply(ctx, caller);
          Extend request = Bodies.json(ctx, Extend.class);
          ctx.json(payments.extend(drive, request.years(),
              Bodies.required("idempotencyKey", request.idempotencyKey(), 100)));
        }))
        .post("/drives/{drive}/archive", routes.forPeople((ctx, caller) -> {
          DriveRecord drive = owned.apply(ctx, caller);
          String prefix = Bodies.json(ctx, Archive.class).prefix();
          ctx.json(payments.archive(drive, prefix == null || prefix.isBlank() ? "" : DrivePaths.normalise(prefix)));
        }))
        .post("/drives/{drive}/restore", routes.forPeople((ctx, caller) -> {
          DriveRecord drive = owned.apply(ctx, caller);
          Delete which = Bodies.json(ctx, Delete.class);
          if (which.path() == null || which.version() == null) {
            throw ApiException.badRequest("Fields 'path' and 'version' are required: the archived version to restore.");
          }
          ctx.json(payments.restore(drive, drives.version(drive, which.path(), which.version())));
        }))
        .get("/drives/{drive}/payments", routes.forPeople((ctx, caller) -> {
          DriveRecord drive = owned.apply(ctx, caller);
          String prefix = ctx.queryParam("prefix");
          ctx.json(new PaymentList(payments.payments(drive, prefix == null || prefix.isBlank() ? ""
              : DrivePaths.normalise(prefix))));
        }));
  }

  /** The versions a deletion names: one version, every version of a path, or everything under a folder. */
  private static List<Version> chosen(Drives drives, DriveRecord drive, Delete request) {
    boolean byPath = request.path() != null && !request.path().isBlank();
    boolean byPrefix = request.prefix() != null && !request.prefix().isBlank();
    if (byPath == byPrefix) {
      throw ApiException.badRequest("Name either 'path' (with 'version' for one version, without for all of them) "
          + "or 'prefix' (a folder); to delete the whole drive, DELETE /drives/{drive}.");
    }
    if (byPrefix) {
      List<Version> under = drives.allVersions(drive, DrivePaths.normalise(request.prefix()));
      if (under.isEmpty()) {
        throw ApiException.notFound("No files under " + DrivePaths.normalise(request.prefix()) + " in drive "
            + drive.name() + ".");
      }
      return under;
    }
    if (request.version() != null) {
      return List.of(drives.version(drive, request.path(), request.version()));
    }
    String path = DrivePaths.normalise(request.path());
    List<Version> all = drives.allVersions(drive, "").stream().filter(v -> v.path().equals(path)).toList();
    if (all.isEmpty()) {
      throw ApiException.notFound("No file " + path + " in drive " + drive.name() + ".");
    }
    return all;
  }
}
