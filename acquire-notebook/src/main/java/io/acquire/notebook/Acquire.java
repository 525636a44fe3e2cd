package io.acquire.notebook;

import io.github.spencerpark.jupyter.kernel.BaseKernel;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Objects;

/**
 * Acquire in a stock Java kernel built on IJava's base library
 * ({@code io.github.spencerpark:jupyter-jvm-basekernel} 2.x, such as IJava 1.3): after
 * adding this jar and its dependencies, one line makes Acquire's objects render as QR codes,
 * tables and plots, and makes {@link Display}, {@link Plots#live} and {@link ProgressBar}
 * show and update outputs there.
 *
 * <pre>{@code
 * %jars /path/to/acquire-notebook-0.1.0-SNAPSHOT.jar /path/to/lib/*.jar
 * io.acquire.notebook.Acquire.install();
 * }</pre>
 *
 * <p>The Acquire kernel needs neither line: it is built in.
 */
public final class Acquire {
  /** IJava's entry point, whose static {@code getKernelInstance()} returns its running kernel. */
  static final String IJAVA = "io.github.spencerpark.ijava.IJava";

  private static BaseKernel installed;

  private Acquire() {}

  /**
   * Installs Acquire into the IJava kernel running this code, found through IJava's
   * {@code IJava.getKernelInstance()}; does nothing in the Acquire kernel, or if done before.
   *
   * @throws IllegalStateException if no IJava kernel runs in this JVM (then call
   *     {@link #install(BaseKernel)} with your kernel)
   */
  public static void install() {
    if (AcquireKernel.running() == null) {
      install(ijavaKernel());
    }
  }

  /** Installs Acquire into {@code kernel}, any kernel built on the IJava base library; once per kernel. */
  public static synchronized void install(BaseKernel kernel) {
    Objects.requireNonNull(kernel, "kernel == null");
    if (installed == kernel) {
      return;
    }
    Renderers.register(kernel.getRenderer());
    Display.useStockKernel(new StockKernelOutputs(kernel));
    installed = kernel;
  }

  /** IJava's running kernel, by reflection, so this jar does not depend on IJava's own. */
  static BaseKernel ijavaKernel() {
    Object kernel;
    try {
      Method entry = Class.forName(IJAVA, true, Acquire.class.getClassLoader()).getMethod("getKernelInstance");
      kernel = entry.invoke(null);
    } catch (ClassNotFoundException | NoSuchMethodException e) {
      throw new IllegalStateException("No IJava kernel runs here (" + IJAVA + ".getKernelInstance() not found). "
          + "In another kernel built on jupyter-jvm-basekernel call Acquire.install(kernel) with it; "
          + "the Acquire kernel needs no install.", e);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("Could not ask IJava for its kernel: " + e, e);
    }
    if (kernel == null) {
      throw new IllegalStateException("IJava's kernel is not running in this JVM; run Acquire.install() in a cell.");
    }
    if (!(kernel instanceof BaseKernel base)) {
      throw new IllegalStateException("IJava's kernel is a " + kernel.getClass().getName() + ", not built on "
          + "jupyter-jvm-basekernel 2.x, which Acquire's renderers need (IJava 1.3 is).");
    }
    return base;
  }
}
