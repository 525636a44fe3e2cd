package io.acquire.notebook;

import io.acquire.client.Account;
import io.acquire.client.LoginRequest;
import io.acquire.client.Registration;
import io.acquire.client.User;
import io.acquire.client.wire.AccountingWire.AccountView;
import io.github.spencerpark.jupyter.kernel.display.Renderer;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;

/**
 * How Acquire's objects look in a notebook. One call registers them all into any kernel
 * built on the IJava base library, so they work in a stock IJava kernel too:
 *
 * <pre>{@code
 * %jars acquire-notebook.jar acquire-client.jar …
 * io.acquire.notebook.Renderers.register(getKernelInstance().getRenderer());
 * }</pre>
 */
public final class Renderers {
  /** Chart size in pixels: readable in a notebook column. */
  static final int CHART_WIDTH = 720;
  static final int CHART_HEIGHT = 360;

  private Renderers() {}

  /** Adds Acquire's renderers to {@code renderer}. */
  public static void register(Renderer renderer) {
    renderer.createRegistration(LoginRequest.class)
        .preferring(MIMEType.TEXT_HTML, MIMEType.IMAGE_PNG, MIMEType.TEXT_PLAIN)
        .register((login, context) -> {
          String png = Base64.getEncoder().encodeToString(login.qrCodePng());
          context.renderIfRequested(MIMEType.IMAGE_PNG, () -> png);
          context.renderIfRequested(MIMEType.TEXT_HTML, () -> "<div class=\"acquire-login\">"
              + "<img alt=\"QR code of the login link\" src=\"data:image/png;base64," + png + "\"/>"
              + "<p>Scan the code or open <a href=\"" + escape(login.url()) + "\" target=\"_blank\">"
              + escape(login.url()) + "</a>, check that the page shows <strong>" + escape(login.userCode())
              + "</strong>, and approve. The request expires at "
              + escape(login.expiresAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString())
              + ".</p></div>");
          context.renderIfRequested(MIMEType.TEXT_PLAIN, () -> "Open " + login.url() + " and check the code "
              + login.userCode() + " (expires " + login.expiresAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + ")");
        });

    renderer.createRegistration(Registration.class)
        .preferring(MIMEType.TEXT_HTML, MIMEType.IMAGE_PNG, MIMEType.TEXT_PLAIN)
        .register((registration, context) -> {
          String png = Base64.getEncoder().encodeToString(registration.qrCodePng());
          context.renderIfRequested(MIMEType.IMAGE_PNG, () -> png);
          context.renderIfRequested(MIMEType.TEXT_HTML, () -> "<div class=\"acquire-registration\">"
              + "<img alt=\"QR code for an authenticator app\" src=\"data:image/png;base64," + png + "\"/>"
              + "<p>Scan this into your authenticator app once, for <strong>" + escape(registration.username())
              + "</strong>. It holds your secret: clear this output before sharing the notebook.</p></div>");
          context.renderIfRequested(MIMEType.TEXT_PLAIN, () -> "Registered " + registration.username()
              + ": scan the QR code into your authenticator app");
        });

    renderer.createRegistration(User.class)
        .preferring(MIMEType.TEXT_HTML, MIMEType.TEXT_PLAIN)
        .register((user, context) -> {
          String state = user.isLoggedIn() ? "logged in until " + user.sessionExpiresAt() : "not logged in";
          context.renderIfRequested(MIMEType.TEXT_HTML, () -> "<table class=\"acquire-user\">"
              + row("User", user.username()) + row("Identity service", user.identityUrl())
              + row("Session", state) + "</table>");
          context.renderIfRequested(MIMEType.TEXT_PLAIN, user::toString);
        });

    renderer.createRegistration(Account.class)
        .preferring(MIMEType.TEXT_HTML, MIMEType.TEXT_PLAIN)
        .register((account, context) -> {
          AccountView status = account.status();
          String holds = status.holds().isEmpty() ? "none" : status.holds().stream()
              .map(h -> h.amount() + " until " + h.expiresAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
              .collect(java.util.stream.Collectors.joining(", "));
          context.renderIfRequested(MIMEType.TEXT_HTML, () -> "<table class=\"acquire-account\">"
              + row("Account", status.name() + " (" + status.id() + ")") + row("Balance", status.balance().toString())
              + row("Available", status.available().toString())
              + row("Daily cap", status.dailyCap() == null ? "none" : status.dailyCap() + " (spent today "
                  + status.spentToday() + ")")
              + row("Overdraft limit", status.overdraftLimit().toString()) + row("Holds", holds) + "</table>");
          context.renderIfRequested(MIMEType.TEXT_PLAIN, () -> "Account " + status.name() + ": balance "
              + status.balance() + ", available " + status.available() + ", holds " + holds);
        });

    renderer.createRegistration(JFreeChart.class)
        .preferring(MIMEType.IMAGE_PNG, MIMEType.TEXT_PLAIN)
        .register((chart, context) -> {
          context.renderIfRequested(MIMEType.IMAGE_PNG,
              () -> Base64.getEncoder().encodeToString(png(chart.createBufferedImage(CHART_WIDTH, CHART_HEIGHT))));
          context.renderIfRequested(MIMEType.TEXT_PLAIN, () -> "Chart: "
              + (chart.getTitle() == null ? "untitled" : chart.getTitle().getText()));
        });
  }

  static byte[] png(BufferedImage image) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(image, "png", out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String row(String name, String value) {
    return "<tr><th style=\"text-align:left\">" + escape(name) + "</th><td style=\"text-align:left\">"
        + escape(value) + "</td></tr>";
  }

  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
