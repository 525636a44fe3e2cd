package io.acquire.services.compute;

import io.acquire.client.Money;
import io.acquire.client.wire.ComputeWire.JobRequest;
import io.acquire.services.store.JsonObjects;
import io.acquire.services.store.ObjectKeys;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** Where quotes and jobs live in the store. Jobs change only by conditional update, so processes agree. */
final class Jobs {
  /** A price offered to {@code owner} for {@code request}, honoured until {@code expiresAt}. */
  /** @param storage the part of {@code price} for a year of the outputs' storage; null in quotes made before it */
  record QuoteRecord(String id, String owner, JobRequest request, Money price, Instant expiresAt, Instant createdAt,
      Money storage) {}

  private final JsonObjects objects;

  Jobs(JsonObjects objects) {
    this.objects = objects;
  }

  void saveQuote(QuoteRecord quote) {
    objects.put("compute/quotes/" + quote.id(), quote);
  }

  Optional<QuoteRecord> quote(String id) {
    return valid(id, "quote_") ? objects.get("compute/quotes/" + id, QuoteRecord.class) : Optional.empty();
  }

  /** Stores a new job; false if a job with its id exists already (the same quote submitted twice). */
  boolean create(JobRecord job) {
    if (!objects.putIfAbsent(jobKey(job.id()), job)) {
      return false;
    }
    objects.put(ownerKey(job.owner(), job.id()), job.submittedAt());
    objects.put(activeKey(job.id()), job.submittedAt());
    return true;
  }

  Optional<JobRecord> get(String id) {
    return valid(id, "job_") ? objects.get(jobKey(id), JobRecord.class) : Optional.empty();
  }

  JobRecord update(String id, UnaryOperator<JobRecord> change) {
    JobRecord updated = objects.update(jobKey(id), JobRecord.class,
        current -> change.apply(current.orElseThrow(() -> new IllegalStateException("job " + id + " vanished"))));
    if (updated.isFinal()) {
      objects.store().delete(activeKey(id));
      if (updated.cancelRequested()) {
        objects.store().delete(cancelKey(id));
      }
    }
    return updated;
  }

  /**
   * Asks to cancel a job: a marker that executors find in one listing (written first, so no
   * flagged job lacks one), then the flag in its record. Returns the job as it now stands.
   */
  JobRecord requestCancel(String id) {
    objects.put(cancelKey(id), id);
    JobRecord job = update(id, j -> j.isFinal() ? j : j.cancelling());
    if (job.isFinal()) {
      objects.store().delete(cancelKey(id));
    }
    return job;
  }

  /** Jobs asked to be cancelled that have not yet ended. */
  java.util.Set<String> cancelRequests() {
    java.util.Set<String> ids = new java.util.HashSet<>();
    for (String key : objects.store().list("compute/cancels/")) {
      ids.add(key.substring(key.lastIndexOf('/') + 1));
    }
    return ids;
  }

  /** The owner's jobs, newest first. */
  List<JobRecord> of(String owner) {
    List<JobRecord> jobs = new ArrayList<>();
    for (String key : objects.store().list("compute/owners/" + ObjectKeys.segment(owner) + "/")) {
      get(key.substring(key.lastIndexOf('/') + 1)).ifPresent(jobs::add);
    }
    jobs.sort(Comparator.comparing(JobRecord::submittedAt).reversed());
    return jobs;
  }

  /** Jobs not yet ended, whichever process runs them. */
  List<JobRecord> active() {
    List<JobRecord> jobs = new ArrayList<>();
    for (String key : objects.store().list("compute/active/")) {
      get(key.substring(key.lastIndexOf('/') + 1)).filter(j -> !j.isFinal()).ifPresent(jobs::add);
    }
    return jobs;
  }

  private static boolean valid(String id, String prefix) {
    return id != null && id.startsWith(prefix) && id.length() <= 64 && id.substring(prefix.length()).matches("[0-9a-f]+");
  }

  private static String jobKey(String id) {
    return "compute/jobs/" + id;
  }

  private static String ownerKey(String owner, String id) {
    return "compute/owners/" + ObjectKeys.segment(owner) + "/" + id;
  }

  private static String cancelKey(String id) {
    return "compute/cancels/" + id;
  }

  private static String activeKey(String id) {
    return "compute/active/" + id;
  }
}
