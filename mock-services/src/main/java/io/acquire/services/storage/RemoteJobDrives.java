package io.acquire.services.storage;

import io.acquire.services.registry.ServiceClient;
import io.acquire.services.storage.Drives.DriveRecord;
import java.time.Duration;
import java.util.List;

/** {@link JobDrives} through storage's service-only endpoints ({@link JobDriveCalls}); a person waits on each. */
final class RemoteJobDrives implements JobDrives {
  private static final Duration PATIENCE = Duration.ofSeconds(15);

  private final ServiceClient client;

  RemoteJobDrives(ServiceClient client) {
    this.client = client;
  }

  @Override
  public DriveRecord readable(String user, String driveId, List<String> paths) {
    return client.post("storage", JobDriveCalls.READABLE, new JobDriveCalls.Readable(user, driveId, paths),
        DriveRecord.class, PATIENCE);
  }

  @Override
  public List<String> newestPaths(DriveRecord drive, List<String> paths) {
    return client.post("storage", JobDriveCalls.NEWEST, new JobDriveCalls.Newest(drive.owner(), drive.id(), paths),
        JobDriveCalls.Paths.class, PATIENCE).paths();
  }

  @Override
  public byte[] head(DriveRecord drive, String path, int maxBytes) {
    return client.post("storage", JobDriveCalls.HEAD, new JobDriveCalls.Head(drive.owner(), drive.id(), path, maxBytes),
        JobDriveCalls.Content.class, PATIENCE).data();
  }

  @Override
  public DriveRecord createOutputDrive(String owner, String name) {
    return client.post("storage", JobDriveCalls.OUTPUT, new JobDriveCalls.Output(owner, name), DriveRecord.class,
        PATIENCE);
  }

  @Override
  public List<Long> newestSizes(DriveRecord drive, List<String> paths) {
    return client.post("storage", JobDriveCalls.SIZES, new JobDriveCalls.Newest(drive.owner(), drive.id(), paths),
        JobDriveCalls.Sizes.class, PATIENCE).sizes();
  }

  @Override
  public long yearOfOutputs(String owner, String driveId) {
    return client.post("storage", JobDriveCalls.OUTPUT_PRICE, new JobDriveCalls.Owned(owner, driveId),
        JobDriveCalls.Price.class, PATIENCE).minor();
  }

  @Override
  public void paidOutputs(String owner, String driveId, String account, long chargedMinor, String jobId) {
    client.post("storage", JobDriveCalls.OUTPUT_PAID, new JobDriveCalls.OutputPaid(owner, driveId, account,
        chargedMinor, jobId), JobDriveCalls.Price.class, PATIENCE);
  }
}
