package io.acquire.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.acquire.client.wire.Json;
import io.acquire.services.store.MemoryObjectStore;
import io.acquire.services.testing.RawHttp;
import io.acquire.services.testing.TestSessions;
import io.acquire.services.testing.TestSessions.Reply;
import io.acquire.services.testing.TestSessions.Session;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/**
 * Generated hostile requests over every route (identity's too), signed and unsigned, plus raw request
 * lines no HTTP library would send: none may answer 5xx, show a stack trace, or answer
 * more than a bounded body, and the server must still serve a signed call afterwards.
 * The seed and count can be set with {@code -Dhostile.seed} and {@code -Dhostile.count}.
 */
class HostileRequestsTest {
  private static final long SEED = Long.getLong("hostile.seed", 20261205L);
  private static final int COUNT = Integer.getInteger("hostile.count", 10_000);
  private static final int MAX_ERROR_BODY = 4096;
  private static final String[] ROUTES = {
      "GET /t/registry", "GET /t/registry/services", "GET /t/registry/services/{x}",
      "POST /t/accounting/accounts", "GET /t/accounting/accounts", "GET /t/accounting/accounts/{account}",
      "PUT /t/accounting/accounts/{account}/limits", "GET /t/accounting/accounts/{account}/statement",
      "POST /t/accounting/transfers", "POST /t/accounting/holds", "GET /t/accounting/holds/{x}",
      "POST /t/accounting/holds/{x}/capture", "POST /t/accounting/holds/{x}/void",
      "POST /t/storage/drives", "GET /t/storage/drives", "GET /t/storage/drives/{drive}",
      "POST /t/storage/drives/{drive}/uploads", "GET /t/storage/drives/{drive}/uploads/{x}",
      "PUT /t/storage/drives/{drive}/uploads/{x}/chunks/{x}", "POST /t/storage/drives/{drive}/uploads/{x}/complete",
      "PUT /t/storage/drives/{drive}/files", "GET /t/storage/drives/{drive}/files",
      "GET /t/storage/drives/{drive}/versions", "GET /t/storage/drives/{drive}/content",
      "GET /t/compute/prices", "POST /t/compute/quotes", "POST /t/compute/jobs", "GET /t/compute/jobs",
      "GET /t/compute/jobs/{x}", "POST /t/compute/jobs/{x}/cancel", "DELETE /t/storage/drives/{drive}",
      "PATCH /t/accounting/accounts", "POST /t/identity/users", "POST /t/identity/logins",
      "POST /t/identity/logins/poll", "GET /t/identity/login", "POST /t/identity/login", "GET /t/identity/whoami",
      "POST /t/identity/logout", "POST /t/storage/groups", "GET /t/storage/groups", "GET /t/storage/groups/{x}",
      "POST /t/storage/groups/{x}/members", "DELETE /t/storage/groups/{x}/members/{x}", "GET /t/storage/shared",
      "POST /t/storage/drives/{drive}/access", "GET /t/storage/drives/{drive}/access",
      "DELETE /t/storage/drives/{drive}/access", "POST /t/storage/drives/{drive}/links",
      "GET /t/storage/drives/{drive}/links", "DELETE /t/storage/drives/{drive}/links/{x}", "GET /t/storage/l/{x}",
      "GET /t/storage/l/{x}/{x}", "PUT /t/storage/l/{x}", "PUT /t/storage/l/{x}/{x}",
      "POST /t/storage/publications", "GET /t/storage/publications",
      "GET /t/storage/publications/{publication}", "GET /t/storage/publications/{publication}/datacite.json",
      "GET /t/storage/publications/{publication}/citation", "GET /t/storage/publications/{publication}/files/{x}",
      "GET /t/storage/publications/{publication}/files/a.txt", "POST /t/storage/publications/{publication}/withdraw",
      "GET /t/storage/publications/{x}", "PUT /t/storage/drives/{drive}/account",
      "POST /t/storage/drives/{drive}/delete", "POST /t/storage/drives/{drive}/extend",
      "POST /t/storage/drives/{drive}/archive", "POST /t/storage/drives/{drive}/restore",
      "GET /t/storage/drives/{drive}/payments", "DELETE /t/storage/drives/{drive}/uploads/{x}",
      "POST /t/accounting/accounts/{x}/delegations", "GET /t/accounting/accounts/{x}/delegations",
      "PUT /t/accounting/accounts/{x}/delegation", "POST /t/accounting/accounts/{x}/freeze",
      "POST /t/accounting/accounts/{x}/unfreeze", "POST /t/accounting/accounts/{x}/close"};
  private static final String[] SEGMENTS = {"..", ".", "%2e%2e", "%2F", "%00", "a%20b", "%E2%98%83", "-1",
      "99999999999999999999", "0", "%27%20OR%201%3D1", "%3Cscript%3E", "x".repeat(300), "up_" + "0".repeat(32),
      "acct_funding", "acct_revenue", "hold_1", "job_1", "identity"};
  private static final String[] QUERIES = {"", "?path=..%2F..%2Fetc%2Fpasswd", "?path=", "?path=a%00b",
      "?version=-1", "?version=99999999999999999999", "?version=x", "?prefix=%2F", "?path=blob&version=1",
      "?path=" + "a".repeat(2000), "?a=1&a=2&a=3"};
  private static final String[] RANGES = {"bytes=0-", "bytes=5-2", "bytes=-0", "bytes=99999999999999999999-",
      "bytes=0-0,1-1", "items=1-2", "bytes=-99999999999999999999", "bytes=--1", ""};
  private static final String[] TYPES = {"application/json", "application/octet-stream", "text/plain",
      "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=utf-16", ""};

  private final Random random = new Random(SEED);

  @Test
  void thousandsOfHostileRequestsGetNo5xxNoStackTraceAndBoundedAnswers() throws Exception {
    MemoryObjectStore store = new MemoryObjectStore();
    // Identity runs too (its per-source limits raised, and cheap hashes, so that the guesses
    // reach its handlers); the test's own sessions are signed by a stand-in identity key.
    try (AcquireServer server = AcquireServer.builder().store(store).port(0)
        .services(List.of("registry", "identity", "accounting", "storage", "compute"))
        .option("identity.bcrypt-cost", "4").option("identity.requests-per-minute-per-source", "1000000").start()) {
      TestSessions sessions = new TestSessions(store, server.url());
      Session ada = sessions.login("ada");
      Reply account = ada.send("POST", "/t/accounting/accounts", "{\"name\":\"main\"}");
      assertEquals(201, account.status(), account.body());
      Reply drive = ada.send("POST", "/t/storage/drives", "{\"name\":\"inputs\"}");
      assertTrue(drive.status() == 200 || drive.status() == 201, drive.body());
      String driveId = Json.mapper().readTree(drive.body()).get("id").asText();
      Reply file = ada.sendBytes("PUT", "/t/storage/drives/" + driveId + "/files?path=a.txt",
          "alpha".getBytes(java.nio.charset.StandardCharsets.UTF_8), Map.of("X-Acquire-File-SHA256",
              io.acquire.client.wire.RequestSignature.sha256Hex("alpha".getBytes(java.nio.charset.StandardCharsets.UTF_8))));
      assertEquals(201, file.status(), file.body());
      Reply publication = ada.send("POST", "/t/storage/publications", "{\"drive\":\"" + driveId + "\",\"title\":"
          + "\"Alpha\",\"creators\":[\"Lovelace, Ada\"]}");
      assertEquals(201, publication.status(), publication.body());
      Map<String, String> ids = Map.of("{account}", Json.mapper().readTree(account.body()).get("id").asText(),
          "{drive}", driveId, "{publication}", Json.mapper().readTree(publication.body()).get("id").asText());
      OkHttpClient http = new OkHttpClient.Builder().followRedirects(false).retryOnConnectionFailure(false).build();
      Map<Integer, Integer> statuses = new LinkedHashMap<>();
      List<String> failures = new ArrayList<>();

      for (int i = 0; i < COUNT; i++) {
        String[] route = ROUTES[random.nextInt(ROUTES.length)].split(" ");
        String method = route[0];
        String path = fill(route[1], ids) + pick(QUERIES);
        byte[] body = method.equals("GET") || method.equals("DELETE") && random.nextBoolean() ? null : body();
        Map<String, String> headers = new LinkedHashMap<>();
        if (random.nextInt(3) == 0) {
          headers.put("Range", pick(RANGES));
        }
        String type = pick(TYPES);
        if (!type.isEmpty()) {
          headers.put("Content-Type", type);
        }
        int status;
        String text;
        if (random.nextInt(10) < 7) {
          Reply reply = ada.sendBytes(method, path, method.equals("GET") ? null : body, headers);
          status = reply.status();
          text = reply.body();
        } else {
          Request.Builder request = new Request.Builder().url(server.url() + path).method(method,
              body == null ? (method.equals("GET") ? null : RequestBody.create(new byte[0])) : RequestBody.create(body,
                  type.isEmpty() ? null : MediaType.parse(type)));
          headers.forEach(request::header);
          if (random.nextBoolean()) {
            request.header("X-Acquire-Certificate", garbage()).header("X-Acquire-Signature", garbage())
                .header("X-Acquire-Nonce", garbage()).header("X-Acquire-Timestamp", garbage());
          }
          try (Response response = http.newCall(request.build()).execute()) {
            status = response.code();
            text = response.body().string();
          }
        }
        statuses.merge(status, 1, Integer::sum);
        check(method + " " + path, status, text, failures);
      }

      String[] rawLines = {"GET /t/storage/drives/%u002e HTTP/1.1", "GET /t/accounting/accounts/%u002e%u002e HTTP/1.1",
          "GET /t/registry/services/%zz HTTP/1.1", "GET /t/%ff%fe HTTP/1.1", "GET /t/registry HTTP/9.9",
          "GET /t/registry/../../etc/passwd HTTP/1.1", "BREW /t/registry HTTP/1.1", "GET * HTTP/1.1",
          "GET /t/registry/services/a%2F..%2Fb HTTP/1.1", "GET /t/registry?%u002e=1 HTTP/1.1"};
      for (String line : rawLines) {
        for (String extra : new String[] {"", "X-Big: " + "a".repeat(20_000) + "\r\n", "Range: bytes=5-2\r\n",
            "Transfer-Encoding: chunked\r\n"}) {
          String answer = RawHttp.send(server.url(), line + "\r\nHost: x\r\n" + extra + "Connection: close\r\n\r\n"
              + (extra.startsWith("Transfer") ? "zz\r\nxx\r\n0\r\n\r\n" : ""));
          int status = answer.length() >= 12 ? Integer.parseInt(answer.substring(9, 12)) : -1;
          statuses.merge(status, 1, Integer::sum);
          int split = answer.indexOf("\r\n\r\n");
          // 505 is HTTP's own answer to an unknown version: a refusal, not a failure.
          check(line + " + " + extra.length() + " bytes of headers", status == 505 ? 400 : status,
              split < 0 ? "" : answer.substring(split + 4), failures);
          if (!answer.contains("application/json") && status >= 400) {
            failures.add(line + ": not the JSON error shape: " + answer.substring(0, Math.min(200, answer.length())));
          }
        }
      }

      assertTrue(failures.isEmpty(), failures.size() + " bad answers, such as " + failures.subList(0,
          Math.min(5, failures.size())) + "; statuses " + statuses);
      // A fresh session: some of the generated calls were Ada's signed logouts, rightly obeyed.
      Reply after = sessions.login("ada").send("GET", "/t/accounting/accounts/" + ids.get("{account}"), null);
      assertEquals(200, after.status(), "the server still serves a signed call: " + after.body());
    }
  }

  private static void check(String what, int status, String body, List<String> failures) {
    if (status >= 500 || status < 100) {
      failures.add(what + " answered " + status + ": " + body.substring(0, Math.min(200, body.length())));
    }
    if (body.contains("Exception") || body.contains("\tat ") || body.contains("at io.acquire")) {
      failures.add(what + " showed a stack trace or exception: " + body.substring(0, Math.min(200, body.length())));
    }
    if (status >= 400 && body.length() > MAX_ERROR_BODY) {
      failures.add(what + " answered " + body.length() + " characters of error");
    }
  }

  private String fill(String template, Map<String, String> ids) {
    String path = template;
    for (Map.Entry<String, String> id : ids.entrySet()) {
      path = path.replace(id.getKey(), random.nextInt(4) == 0 ? pick(SEGMENTS) : id.getValue());
    }
    while (path.contains("{x}")) {
      path = path.replaceFirst("\\{x}", pick(SEGMENTS));
    }
    return path;
  }

  private byte[] body() {
    String number = "9".repeat(1 + random.nextInt(1200));
    String[] json = {"", "{", "}", "[]", "null", "0", "\"x\"", "{\"name\":null}", "{\"name\":" + number + "}",
        "{\"name\":\"" + "n".repeat(random.nextInt(400)) + "\"}", "[".repeat(1500) + "]".repeat(1500),
        "{\"a\":".repeat(1200) + "1" + "}".repeat(1200),
        "{\"amount\":{\"amount\":\"1e9999\",\"currency\":\"GBP\"},\"from\":\"a\",\"to\":\"b\",\"idempotencyKey\":\"k\"}",
        "{\"amount\":{\"amount\":\"-0.001\",\"currency\":\"XXXX\"}}", "{\"overdraftLimit\":{\"amount\":\""
            + number + "\",\"currency\":\"GBP\"}}", "{\"path\":\"../../x\",\"size\":-1,\"chunkSize\":0}",
        "{\"path\":\"x\",\"size\":1099511627776,\"chunkSize\":65536}", "{\"expiresInSeconds\":" + number + "}",
        "{\"sha256\":\"" + "z".repeat(64) + "\"}", "\"\\ud800\"", "{\"quote\":\"" + "q".repeat(5000) + "\"}",
        "{\"name\":\"\\u0000\"}", "{\"name\":{\"$ne\":1}}", "{\"name\":[1,2,3]}"};
    if (random.nextInt(8) == 0) {
      byte[] bytes = new byte[random.nextInt(4096)];
      random.nextBytes(bytes);
      return bytes;
    }
    return json[random.nextInt(json.length)].getBytes(StandardCharsets.UTF_8);
  }

  private String garbage() {
    String[] values = {"", "x", "-1", "99999999999999999999", "%%%", "a".repeat(5000), "eyJ.eyJ.sig", "\u00e9"};
    return values[random.nextInt(values.length)].replaceAll("[^\\x20-\\x7e]", "?");
  }

  private <T> T pick(T[] values) {
    return values[random.nextInt(values.length)];
  }

}
