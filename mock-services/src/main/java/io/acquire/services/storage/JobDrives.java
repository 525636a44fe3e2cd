package io.acquire.services.storage;

import io.acquire.services.ServiceContext;
import io.acquire.services.storage.Drives.DriveRecord;
import java.util.List;

/**
 * What compute needs from storage to quote and start a job: the user's input drive, the
 * newest versions of the input files, and the job's read-only output drive. In the process
 * that runs storage these are {@link Drives} calls; elsewhere, storage's service-only
 * endpoints over signed HTTP ({@link JobDriveCalls}).
 */
public interface JobDrives {
  /** {@link Drives} in this process if storage runs here, else storage's endpoints found through the registry. */
  static JobDrives of(ServiceContext context) {
    if (context.runsHere("storage")) {
      Drives drives = new Drives(context.objects(), context.clock());
      return new Local(drives, new StoragePayments(drives, context.objects(), context.clock(),
          io.acquire.services.accounting.Billing.of(context), StoragePrices.of(context)),
          new AccessRules(context.objects(), drives, new Groups(context.objects(), context.clock()), context.clock()));
    }
    return new RemoteJobDrives(context.client());
  }

  /**
   * The drive {@code driveId} if {@code user} may read each of {@code paths} on it: they own
   * it, or it is shared with them or a group of theirs there. A 404 if they may see nothing of
   * it, a 403 naming the first path outside what is shared with them.
   */
  DriveRecord readable(String user, String driveId, List<String> paths);

  /** The normalised path of each file's newest version, in order; a 404 for a file that is not on the drive. */
  List<String> newestPaths(DriveRecord drive, List<String> paths);

  /**
   * The first {@code maxBytes} (at most) of the newest version of {@code path}, which
   * {@link #newestPaths} normalised: enough for a workload to check its settings at quote time.
   */
  byte[] head(DriveRecord drive, String path, int maxBytes);

  /** The job's output drive called {@code name}: readable by {@code owner}, written only by the job. Idempotent. */
  DriveRecord createOutputDrive(String owner, String name);

  /** The size in bytes of each file's newest version, in order; a 404 for a file that is not on the drive. */
  List<Long> newestSizes(DriveRecord drive, List<String> paths);

  /** What a year's storage of the output drive's files costs now, in minor units. */
  long yearOfOutputs(String owner, String driveId);

  /**
   * Records that the job paid {@code chargedMinor} from {@code account} for a year of its
   * outputs' storage, so deleting them refunds the unused time. Idempotent.
   */
  void paidOutputs(String owner, String driveId, String account, long chargedMinor, String jobId);

  /** Storage in this process. */
  final class Local implements JobDrives {
    private final Drives drives;
    private final StoragePayments payments;
    private final AccessRules rules;

    Local(Drives drives, StoragePayments payments, AccessRules rules) {
      this.drives = drives;
      this.payments = payments;
      this.rules = rules;
    }

    @Override
    public DriveRecord readable(String user, String driveId, List<String> paths) {
      AccessRules.Access access = rules.ofPerson(driveId, user);
      for (String path : paths) {
        access.require(DrivePaths.normalise(path), AccessRules.Role.READER);
      }
      return access.drive();
    }

    @Override
    public List<Long> newestSizes(DriveRecord drive, List<String> paths) {
      return paths.stream().map(p -> drives.newest(drive, p).size()).toList();
    }

    @Override
    public long yearOfOutputs(String owner, String driveId) {
      return payments.yearOfOutputs(owned(owner, driveId));
    }

    @Override
    public void paidOutputs(String owner, String driveId, String account, long chargedMinor, String jobId) {
      payments.paidOutputs(owned(owner, driveId), account, chargedMinor, jobId);
    }

    /** The drive {@code driveId} if {@code owner} owns it; a 404 otherwise. */
    DriveRecord owned(String owner, String driveId) {
      return drives.get(driveId).filter(d -> d.owner().equals(owner))
          .orElseThrow(() -> io.acquire.services.http.ApiException.notFound("You have no drive " + driveId + "."));
    }

    @Override
    public List<String> newestPaths(DriveRecord drive, List<String> paths) {
      return paths.stream().map(p -> drives.newest(drive, p).path()).toList();
    }

    @Override
    public byte[] head(DriveRecord drive, String path, int maxBytes) {
      try (java.io.InputStream in = drives.openNewest(drive, path)) {
        return in.readNBytes(maxBytes);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException("Cannot read " + path + " from drive " + drive.id(), e);
      }
    }

    @Override
    public DriveRecord createOutputDrive(String owner, String name) {
      return drives.createOutputDrive(owner, name);
    }
  }
}
