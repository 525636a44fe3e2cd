package io.acquire.notebook;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.acquire.client.Drive;
import io.acquire.client.Publication;
import io.acquire.client.User;
import io.acquire.services.AcquireServer;
import io.acquire.services.store.MemoryObjectStore;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.display.Renderer;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A publication rendered in a notebook, from the real backend. */
class PublicationRendererTest {
  @Test
  void aPublicationShowsItsTitleIdentifierLinkAndCitationAndAWithdrawnOneSaysWhy() {
    try (AcquireServer server = AcquireServer.builder().store(new MemoryObjectStore()).port(0)
        .option("identity.bcrypt-cost", "4").option("identity.poll-interval-seconds", "1").start()) {
      User ada = User.create("ada", server.url() + "/t/identity");
      io.acquire.client.Totp totp = io.acquire.client.Totp.fromProvisioningUriUnsafe(
          ada.register("a long passphrase").provisioningUriUnsafe());
      io.acquire.client.LoginRequest login = ada.requestLogin();
      io.acquire.client.ApproveLogin.approve(login.url(), "ada", "a long passphrase", totp.code(java.time.Instant.now()));
      ada.waitForLogin(java.time.Duration.ofSeconds(20));
      Drive drive = Drive.open(ada, "results");
      drive.write("a.txt", "alpha".getBytes(StandardCharsets.UTF_8));
      Publication publication = drive.publish("Argon <heated>", List.of("Lovelace, Ada"), "");
      Renderer renderer = new Renderer();
      Renderers.register(renderer);

      DisplayData data = renderer.render(publication);
      String html = String.valueOf(data.getData(MIMEType.TEXT_HTML));
      assertTrue(html.contains("<strong>Argon &lt;heated&gt;</strong>"), html);
      assertTrue(html.contains("<a href=\"" + publication.identifierUrl() + "\" target=\"_blank\" rel=\"noopener\">"
          + publication.identifier() + "</a>"), html);
      assertTrue(html.contains("Cite as: <span class=\"acquire-citation\">Lovelace, Ada ("), html);
      assertTrue(String.valueOf(data.getData(MIMEType.TEXT_PLAIN)).startsWith(publication.identifier() + " Argon"));

      String withdrawn = String.valueOf(renderer.render(publication.withdraw("Wrong units."))
          .getData(MIMEType.TEXT_HTML));
      assertTrue(withdrawn.contains("Withdrawn</th>") && withdrawn.contains("Wrong units."), withdrawn);
      ada.close();
    }
  }
}
