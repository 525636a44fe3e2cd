package io.acquire.services.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.acquire.client.wire.Json;
import io.acquire.services.http.ApiException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import okhttp3.Credentials;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DOIs registered with DataCite through its REST API ({@code /dois}, JSON:API bodies of
 * type {@code application/vnd.api+json}, HTTP basic authentication with the repository's
 * id and password): {@link #reserve} creates a draft DOI with the metadata, {@link
 * #publish} sends the {@code publish} event with the landing page's URL (draft to
 * findable), {@link #release} deletes a draft, {@link #withdraw} sends the {@code hide}
 * event (findable to registered: it still resolves, to the tombstone).
 *
 * <p>Failures become 502 (DataCite refused: the credentials, with 401 or 403, or the
 * metadata, with 422 and DataCite's own reasons) or 504 (no answer in time). The password
 * is kept only in the authorization header's value and never appears in a message, a log
 * line or {@link #toString()}.
 */
final class DataCiteMinter implements Minter {
  private static final Logger log = LoggerFactory.getLogger(DataCiteMinter.class);
  private static final MediaType JSON_API = MediaType.get("application/vnd.api+json");
  /** How much of an unexpected answer a message repeats. */
  private static final int QUOTED = 300;

  private final String baseUrl;
  private final String repository;
  private final String authorization;
  private final String prefix;
  private final OkHttpClient http;
  private final ObjectMapper json = Json.mapper();

  /**
   * @param baseUrl DataCite's REST API, such as {@code https://api.test.datacite.org}
   * @param repository the repository's id, DataCite's user name for it
   * @param password the repository's password: a secret
   * @param prefix the DOI prefix DataCite assigned to the repository
   * @param timeout the longest one call to DataCite may take
   */
  DataCiteMinter(String baseUrl, String repository, String password, String prefix, Duration timeout) {
    this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl == null").replaceAll("/+$", "");
    this.repository = Objects.requireNonNull(repository, "repository == null");
    this.authorization = Credentials.basic(repository, Objects.requireNonNull(password, "password == null"),
        StandardCharsets.UTF_8);
    this.prefix = Objects.requireNonNull(prefix, "prefix == null");
    this.http = new OkHttpClient.Builder().callTimeout(timeout).connectTimeout(timeout).readTimeout(timeout)
        .writeTimeout(timeout).retryOnConnectionFailure(false).followRedirects(false).build();
  }

  @Override
  public String prefix() {
    return prefix;
  }

  @Override
  public boolean resolvesAtDoiOrg() {
    return true;
  }

  @Override
  public void reserve(String doi, ObjectNode metadata) {
    ObjectNode attributes = metadata.deepCopy();
    // In the REST API the DOI is its own attribute; "identifiers" there means other identifiers.
    attributes.remove("identifiers");
    attributes.put("doi", doi);
    call("POST", "/dois", body(attributes), "create the draft DOI " + doi);
  }

  @Override
  public void publish(String doi, String landingPage) {
    ObjectNode attributes = json.createObjectNode().put("event", "publish").put("url", landingPage);
    call("PUT", "/dois/" + encode(doi), body(attributes), "publish DOI " + doi);
  }

  @Override
  public void release(String doi) {
    try {
      call("DELETE", "/dois/" + encode(doi), null, "delete the draft DOI " + doi);
    } catch (ApiException e) {
      log.warn("Could not delete the draft DOI {}; delete it in DataCite Fabrica: {}", doi, e.getMessage());
    }
  }

  @Override
  public void withdraw(String doi) {
    call("PUT", "/dois/" + encode(doi), body(json.createObjectNode().put("event", "hide")), "hide DOI " + doi);
  }

  private byte[] body(ObjectNode attributes) {
    ObjectNode data = json.createObjectNode();
    data.putObject("data").put("type", "dois").set("attributes", attributes);
    try {
      return json.writeValueAsBytes(data);
    } catch (IOException e) {
      throw new IllegalStateException("DataCite request body could not be written", e);
    }
  }

  private void call(String method, String path, byte[] body, String what) {
    Request request = new Request.Builder().url(baseUrl + path)
        .header("Authorization", authorization)
        .header("Accept", "application/vnd.api+json")
        // An empty DELETE still says Content-Length: 0, so no server waits for a body.
        .method(method, body == null ? RequestBody.create(new byte[0], null) : RequestBody.create(body, JSON_API))
        .build();
    try (Response response = http.newCall(request).execute()) {
      if (response.isSuccessful()) {
        return;
      }
      String answer = response.body() == null ? "" : response.body().string();
      int status = response.code();
      if (status == 401 || status == 403) {
        log.error("DataCite refused repository {}'s credentials ({}) trying to {}", repository, status, what);
        throw new ApiException(502, "identifier_registry_refused", "The DOI registry (DataCite) refused this "
            + "backend's credentials, so nothing was published; the operator must check storage.datacite-repository "
            + "and its password.");
      }
      if (status == 422) {
        throw new ApiException(502, "identifier_registry_refused", "The DOI registry (DataCite) refused to " + what
            + ": " + reasons(answer) + ". Nothing was published.");
      }
      throw new ApiException(502, "identifier_registry_failed", "The DOI registry (DataCite) answered " + status
          + " when asked to " + what + "; nothing was published. Try again later.");
    } catch (InterruptedIOException e) {
      throw new ApiException(504, "identifier_registry_timeout", "The DOI registry (DataCite) did not answer in time "
          + "when asked to " + what + "; nothing was published. Try again later.");
    } catch (IOException e) {
      throw new ApiException(502, "identifier_registry_unreachable", "The DOI registry (DataCite) could not be "
          + "reached to " + what + " (" + e.getClass().getSimpleName() + "); nothing was published. Try again later.");
    }
  }

  /** DataCite's JSON:API errors as one sentence: each error's source and title. */
  private String reasons(String answer) {
    List<String> reasons = new ArrayList<>();
    try {
      for (JsonNode error : json.readTree(answer).path("errors")) {
        String source = error.path("source").asText("");
        String title = error.path("title").asText("");
        reasons.add(source.isEmpty() ? title : source + ": " + title);
      }
    } catch (IOException e) {
      // Not JSON: quoted below.
    }
    if (reasons.isEmpty()) {
      return answer.length() > QUOTED ? answer.substring(0, QUOTED) + "…" : answer;
    }
    return String.join("; ", reasons);
  }

  private static String encode(String doi) {
    // The prefix's "/" stays a path separator, as DataCite's own URLs write it.
    return URLEncoder.encode(doi, StandardCharsets.UTF_8).replace("%2F", "/");
  }

  @Override
  public String toString() {
    return "DataCiteMinter[" + baseUrl + ", repository=" + repository + ", prefix=" + prefix + "]";
  }
}
