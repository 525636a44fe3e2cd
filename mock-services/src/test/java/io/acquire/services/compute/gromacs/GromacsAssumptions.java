package io.acquire.services.compute.gromacs;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Optional;

/**
 * Tests that need a working GROMACS skip without one, except in CI (CI=true), where the
 * machine was set up to have it and its absence is a failure.
 */
public final class GromacsAssumptions {
  private GromacsAssumptions() {}

  public static void assumeGromacs() {
    Optional<String> missing = Gmx.unavailable();
    if (missing.isPresent() && "true".equals(System.getenv("CI"))) {
      fail("CI must run the GROMACS tests, but " + missing.get());
    }
    assumeTrue(missing.isEmpty(), () -> "skipped: " + missing.get());
  }
}
