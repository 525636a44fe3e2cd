package io.acquire.cli;

import io.acquire.client.AcquireException;
import io.acquire.client.AuthenticationException;
import io.acquire.client.ConflictException;
import io.acquire.client.InsufficientFundsException;
import io.acquire.client.JobStatus;
import io.acquire.client.LoginDeniedException;
import io.acquire.client.LoginExpiredException;
import io.acquire.client.LoginTimeoutException;
import io.acquire.client.NotFoundException;
import io.acquire.client.PermissionException;
import io.acquire.client.TransportException;

/** The documented exit codes (docs/cli.md): stable, so scripts can branch on them. */
final class ExitCodes {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;
  static final int NOT_LOGGED_IN = 3;
  static final int NOT_FOUND = 4;
  static final int PERMISSION = 5;
  static final int CONFLICT = 6;
  static final int INSUFFICIENT_FUNDS = 7;
  static final int UNREACHABLE = 8;
  static final int LOCAL_FILE = 9;
  static final int JOB_FAILED = 10;
  static final int JOB_CANCELLED = 11;
  static final int JOB_TIMED_OUT = 12;
  static final int JOB_STILL_RUNNING = 13;

  /** Shown at the end of {@code acquire --help}. */
  static final String HELP = """
      Exit codes:
        0  done (job wait/watch: the job completed)
        1  the service refused or failed
        2  bad options or arguments
        3  not logged in, or the session ended: run acquire login
        4  not found        5  permission denied        6  conflict
        7  insufficient funds (balance, overdraft limit or daily cap)
        8  the backend did not answer
        9  a local file could not be read or written
       10  job failed   11  job cancelled   12  job timed out
       13  job still queued or running when job wait gave up""";

  private ExitCodes() {}

  static int of(AcquireException e) {
    if (e instanceof AuthenticationException || e instanceof LoginDeniedException
        || e instanceof LoginExpiredException || e instanceof LoginTimeoutException) {
      return NOT_LOGGED_IN;
    }
    if (e instanceof NotFoundException) {
      return NOT_FOUND;
    }
    if (e instanceof PermissionException) {
      return PERMISSION;
    }
    if (e instanceof InsufficientFundsException) {
      return INSUFFICIENT_FUNDS;
    }
    if (e instanceof ConflictException) {
      return CONFLICT;
    }
    if (e instanceof TransportException) {
      return UNREACHABLE;
    }
    return FAILED;
  }

  /** A job's state as {@code job wait} reports it. */
  static int of(JobStatus status) {
    return switch (status) {
      case COMPLETED -> OK;
      case FAILED -> JOB_FAILED;
      case CANCELLED -> JOB_CANCELLED;
      case TIMED_OUT -> JOB_TIMED_OUT;
      case QUEUED, RUNNING -> JOB_STILL_RUNNING;
    };
  }
}
