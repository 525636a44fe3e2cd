package io.acquire.services.compute;

import java.util.List;

/**
 * Everything the {@link JobRunner} needs, written by the executor into the job's work
 * directory (readable by its owner only) or handed to a cluster's batch system. It holds
 * the job's credential: a session key and compute's certificate for it, whose scope reads
 * the input drive and writes the output drive, and nothing else.
 *
 * @param identityUrl identity, which the runner's credential is checked against
 * @param registryUrl where the runner finds storage: the services may run on other hosts than identity
 * @param flushMillis how often records written by the workload are sent to the output drive
 * @param watchParent stop if the process that started the runner goes away (local executor)
 */
record JobTicket(String job, String owner, String identityUrl, String registryUrl, String inputDrive, List<String> inputs,
    String outputDrive, String mainClass, int cores, int memoryMib, String classpath, String keySeed,
    String certificate, long flushMillis, boolean watchParent) {

  @Override
  public String toString() {
    return "JobTicket[" + job + " of " + owner + ", " + mainClass + "]";
  }
}
