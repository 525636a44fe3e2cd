package io.acquire.notebook;

import io.acquire.client.AcquireException;
import io.acquire.client.Job;
import io.acquire.client.JobStatus;
import io.acquire.client.MolecularSystem;
import io.acquire.client.View;
import io.github.spencerpark.jupyter.kernel.display.Renderer;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The 3D view of a simulated system in the notebook. A {@link MolecularSystem} (such as
 * {@code job.view().system()}) shows as an interactive 3Dmol.js viewer (drag to turn, scroll
 * to zoom) over a still picture, so front ends that run no scripts still show the system;
 * {@link #live} keeps one output showing a running job's latest frame.
 *
 * <pre>{@code
 * job.view().system()                        // the latest frame, as a cell's value
 * MolecularView.live(job).await(Duration.ofMinutes(5));
 * }</pre>
 *
 * <p>3Dmol.js ships inside the kernel and goes into the notebook inline, with no network: the
 * first view of a kernel session carries it (about 540 KB), later ones use it from the page.
 */
public final class MolecularView {
  /** The longest between looks at the job when no records arrive. */
  private static final Duration INTERVAL = Duration.ofMillis(500);
  /** The shortest between redraws: each is a picture and a frame of coordinates, tens of kilobytes. */
  private static final Duration MIN_FRAME = Duration.ofSeconds(1);
  private static final String LIBRARY_RESOURCE = "3dmol/3Dmol-min.js";
  /** Whether this kernel has sent the viewer's library into the notebook yet. */
  private static final AtomicBoolean LIBRARY_SENT = new AtomicBoolean();
  private static volatile String library;

  private final Job job;
  private final String key = "acquire-view-" + UUID.randomUUID();
  private final String displayId;
  private final Thread follower;
  private final CountDownLatch ended = new CountDownLatch(1);
  /** Whether this view's first picture carried the library, so its last must too (it replaces the first). */
  private boolean carriesLibrary;
  private boolean libraryDecided;
  private volatile MolecularSystem shown;
  private volatile int redraws;
  private volatile String lastError;

  /** What one output shows: a frame, the key its viewer keeps its camera under, and whether it brings the library. */
  record Frame(MolecularSystem system, String key, boolean withLibrary, String status) {}

  private MolecularView(Job job) {
    this.job = job;
    Optional<MolecularSystem> first = job.view().latest();
    this.displayId = Display.display(first.<Object>map(this::frame).orElseGet(this::waiting));
    this.shown = first.orElse(null);
    this.follower = new Thread(this::follow, "acquire-molecular-view-" + job.id());
    follower.setDaemon(true);
    follower.start();
  }

  /**
   * Shows the job's latest frame now and replaces it in place as the job writes new ones,
   * until the job ends and its last frame is shown. Returns at once; {@link #await} blocks.
   */
  public static MolecularView live(Job job) {
    return new MolecularView(java.util.Objects.requireNonNull(job, "job == null"));
  }

  /** Blocks until the job has ended and the view shows its last frame (or the timeout passes). */
  public MolecularView await(Duration timeout) throws InterruptedException {
    ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  /** Stops following the job; the output keeps what it shows. */
  public void stop() {
    follower.interrupt();
    ended.countDown();
  }

  /** Whether the view still follows its job. */
  public boolean isLive() {
    return ended.getCount() > 0;
  }

  /** The frame the output shows, if the job has written one. */
  public Optional<MolecularSystem> system() {
    return Optional.ofNullable(shown);
  }

  /** How many times the output has been replaced by a newer frame. */
  public int redraws() {
    return redraws;
  }

  private void follow() {
    try {
      int known = 0;
      while (isLive()) {
        long started = System.nanoTime();
        try {
          JobStatus status = job.status();
          Optional<MolecularSystem> latest = job.view().latest();
          boolean fresh = latest.isPresent() && (shown == null || latest.get().frame() != shown.frame());
          if (fresh || status.isFinal()) {
            if (latest.isPresent()) {
              shown = latest.get();
              Display.updateDisplay(displayId, frame(shown, status));
              redraws++;
            } else if (status.isFinal()) {
              Display.updateDisplay(displayId, "Job " + job.id() + " " + status.name().toLowerCase(Locale.ROOT)
                  + " without writing a frame of its system (workload " + job.workload() + ").");
            }
          }
          if (status.isFinal()) {
            ended.countDown();
            return;
          }
          lastError = null;
          known = job.awaitRecords(known, INTERVAL);
        } catch (AcquireException e) {
          lastError = e.getMessage(); // a passing network failure: try again on the next tick
          Thread.sleep(INTERVAL.toMillis());
        }
        long left = MIN_FRAME.toNanos() - (System.nanoTime() - started);
        if (left > 0) {
          TimeUnit.NANOSECONDS.sleep(left);
        }
      }
    } catch (InterruptedException e) {
      // stopped
    } finally {
      ended.countDown();
    }
  }

  private Frame frame(MolecularSystem system) {
    return frame(system, job.lastKnownStatus());
  }

  private synchronized Frame frame(MolecularSystem system, JobStatus status) {
    boolean withLibrary;
    if (!libraryDecided) {
      libraryDecided = true;
      carriesLibrary = LIBRARY_SENT.compareAndSet(false, true);
      withLibrary = carriesLibrary;
    } else {
      withLibrary = carriesLibrary && status.isFinal();
    }
    return new Frame(system, key, withLibrary, "job " + job.id() + " " + status.name().toLowerCase(Locale.ROOT)
        .replace('_', ' '));
  }

  private String waiting() {
    return "Waiting for the first frame of job " + job.id() + " (" + job.lastKnownStatus().name()
        .toLowerCase(Locale.ROOT) + ").";
  }

  /** Registers how systems, a job's view and live frames look; {@link Renderers#register} calls it. */
  static void register(Renderer renderer) {
    renderer.createRegistration(Frame.class)
        .preferring(MIMEType.TEXT_HTML, MIMEType.IMAGE_PNG, MIMEType.TEXT_PLAIN)
        .register((frame, context) -> {
          String png = png(frame.system(), frame.status());
          context.renderIfRequested(MIMEType.IMAGE_PNG, () -> png);
          context.renderIfRequested(MIMEType.TEXT_HTML, () -> html(frame, png));
          context.renderIfRequested(MIMEType.TEXT_PLAIN, () -> frame.system() + ", " + frame.status());
        });
    renderer.createRegistration(MolecularSystem.class)
        .preferring(MIMEType.TEXT_HTML, MIMEType.IMAGE_PNG, MIMEType.TEXT_PLAIN)
        .register((system, context) -> {
          String png = png(system, null);
          context.renderIfRequested(MIMEType.IMAGE_PNG, () -> png);
          context.renderIfRequested(MIMEType.TEXT_HTML, () -> html(new Frame(system, "acquire-view-"
              + UUID.randomUUID(), LIBRARY_SENT.compareAndSet(false, true), null), png));
          context.renderIfRequested(MIMEType.TEXT_PLAIN, system::toString);
        });
    renderer.createRegistration(View.class)
        .preferring(MIMEType.TEXT_HTML, MIMEType.IMAGE_PNG, MIMEType.TEXT_PLAIN)
        .register((view, context) -> {
          Optional<MolecularSystem> latest = view.latest();
          if (latest.isEmpty()) {
            context.renderIfRequested(MIMEType.TEXT_PLAIN, () -> "Job " + view.job().id() + " has written no frame "
                + "of its system yet (" + view.job().lastKnownStatus().name().toLowerCase(Locale.ROOT) + ").");
            return;
          }
          String png = png(latest.get(), null);
          context.renderIfRequested(MIMEType.IMAGE_PNG, () -> png);
          context.renderIfRequested(MIMEType.TEXT_HTML, () -> html(new Frame(latest.get(), "acquire-view-"
              + UUID.randomUUID(), LIBRARY_SENT.compareAndSet(false, true), null), png));
          context.renderIfRequested(MIMEType.TEXT_PLAIN, () -> latest.get().toString());
        });
  }

  static String png(MolecularSystem system, String status) {
    String caption = MolecularPicture.caption(system) + (status == null ? "" : "; " + status);
    return Base64.getEncoder().encodeToString(Renderers.png(MolecularPicture.draw(system, caption)));
  }

  /**
   * The viewer: a box holding the still picture, which a script replaces with a 3Dmol.js
   * canvas once the library is in the page and WebGL works; where scripts do not run
   * (untrusted notebooks) or WebGL fails, the picture stays. The camera is kept under the
   * frame's key, so a live view's newer frame keeps the angle the reader turned it to.
   */
  static String html(Frame frame, String png) {
    MolecularSystem system = frame.system();
    String id = frame.key() + "-" + UUID.randomUUID().toString().substring(0, 8);
    double[] box = system.box();
    StringBuilder html = new StringBuilder(system.atomCount() * 40 + png.length() + 4096);
    html.append("<div class=\"acquire-system\" id=\"").append(id).append("\" style=\"position: relative; width: ")
        .append(MolecularPicture.WIDTH).append("px; height: ").append(MolecularPicture.HEIGHT).append("px\">")
        .append("<img alt=\"").append(Renderers.escape(MolecularPicture.caption(system)))
        .append("\" style=\"display: block\" src=\"data:image/png;base64,").append(png).append("\"/></div>");
    if (frame.withLibrary()) {
      // The library's UMD wrapper would register with the notebook's RequireJS if it saw define; hide it.
      html.append("<script>(function (define, exports, module) {\n").append(library())
          .append("\n}).call(window);</script>");
    }
    html.append("<script>(function () {\n")
        .append("var el = document.getElementById('").append(id).append("'), key = '").append(frame.key())
        .append("';\nvar xyz = ").append(jsString(system.toXyz())).append(";\nvar box = ")
        .append(box.length == 3 ? "[" + box[0] + ", " + box[1] + ", " + box[2] + "]" : "null").append(";\n")
        .append("var colours = ").append(colours()).append(";\n")
        .append(VIEWER_SCRIPT).append("})();</script>");
    return html.toString();
  }

  private static final String VIEWER_SCRIPT = """
      function show() {
        var lib = window.$3Dmol || window['3Dmol'];
        if (!el || !lib || !lib.createViewer) return false;
        try {
          var views = window.acquireViews = window.acquireViews || {};
          var viewer = lib.createViewer(el, {backgroundColor: 'white'});
          if (!viewer) return true;
          viewer.addModel(xyz, 'xyz');
          viewer.setStyle({}, {sphere: {radius: 1.6, color: '#FF1493'}});
          for (var element in colours) viewer.setStyle({elem: element}, {sphere: {radius: 1.6, color: colours[element]}});
          var corner = function (c) { return {x: (c & 1) * box[0], y: (c >> 1 & 1) * box[1], z: (c >> 2 & 1) * box[2]}; };
          if (box) {
            for (var a = 0; a < 8; a++) for (var bit = 1; bit < 8; bit <<= 1) {
              if ((a | bit) !== a) viewer.addCylinder({start: corner(a), end: corner(a | bit), radius: 0.12,
                  color: '#888888', fromCap: 1, toCap: 1});
            }
          }
          var previous = views[key];
          if (previous && previous.getView) {
            viewer.setView(previous.getView());
          } else {
            viewer.zoomTo();
            viewer.rotate(-30, 'y');
            viewer.rotate(22, 'x');
          }
          viewer.render();
          if (previous && previous !== viewer) {
            try {
              var gl = previous.getCanvas().getContext('webgl2') || previous.getCanvas().getContext('webgl');
              var lose = gl && gl.getExtension('WEBGL_lose_context');
              if (lose) lose.loseContext();
            } catch (ignored) {}
          }
          views[key] = viewer;
          var img = el.querySelector('img');
          if (img) img.remove();
          el.setAttribute('data-acquire-view', 'ready');
        } catch (e) {
          el.setAttribute('data-acquire-view', 'failed: ' + e);
        }
        return true;
      }
      if (!show()) {
        var tries = 0, timer = setInterval(function () { if (show() || ++tries > 100) clearInterval(timer); }, 100);
      }
      """;

  /** The still picture's element colours, so both views agree (3Dmol.js has none for argon). */
  private static String colours() {
    StringBuilder map = new StringBuilder("{");
    MolecularPicture.COLOURS.forEach((element, colour) -> map.append(map.length() > 1 ? ", " : "").append('\'')
        .append(element).append("': '#").append(String.format("%06X", colour.getRGB() & 0xFFFFFF)).append('\''));
    return map.append('}').toString();
  }

  /** A JavaScript string literal that cannot end the script element it sits in. */
  static String jsString(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '<' -> out.append("\\u003c");
        default -> out.append(c);
      }
    }
    return out.append('"').toString();
  }

  /** Test hook: as if the kernel had just started, so the next view brings the library again. */
  static void forgetLibrarySent() {
    LIBRARY_SENT.set(false);
  }

  /** 3Dmol.js's minified build, bundled in the kernel's jar (the build's scripts/fetch-3dmol.sh puts it there). */
  static String library() {
    String text = library;
    if (text == null) {
      try (InputStream in = MolecularView.class.getResourceAsStream(LIBRARY_RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException("3Dmol.js is missing from the kernel's jar (" + LIBRARY_RESOURCE
              + "); rebuild acquire-notebook, which fetches it from npm with scripts/fetch-3dmol.sh");
        }
        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      library = text;
    }
    return text;
  }

  @Override
  public String toString() {
    return "MolecularView[" + job.id() + (isLive() ? ", live" : ", ended") + ", " + redraws + " redraws"
        + (shown == null ? "" : ", showing frame " + shown.frame())
        + (lastError == null ? "" : ", last error: " + lastError) + "]";
  }
}
