package io.acquire.notebook.internal;

import java.lang.management.ManagementFactory;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * With {@code ACQUIRE_KERNEL_TIMES=1} in the kernel's environment, prints to stderr (Jupyter's
 * terminal) when each step of a start happened, in ms since the JVM started, with the
 * process's CPU time so far: where a slow start goes, measured rather than guessed. Each
 * step prints once; without the variable nothing is printed.
 */
public final class StartTimes {
  static final String VARIABLE = "ACQUIRE_KERNEL_TIMES";
  private static final boolean ON = "1".equals(System.getenv(VARIABLE));
  private static final Set<String> SEEN = ConcurrentHashMap.newKeySet();

  private StartTimes() {}

  public static void mark(String step) {
    if (ON && SEEN.add(step)) {
      long since = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
      long cpu = ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class)
          .getProcessCpuTime() / 1_000_000;
      System.err.println("acquire-kernel start: " + since + " ms, CPU " + cpu + " ms: " + step);
    }
  }
}
