package io.acquire.services.storage;

import io.acquire.client.wire.PublicationWire;
import io.acquire.client.wire.PublicationWire.PublicationInfo;
import io.acquire.client.wire.PublicationWire.PublicationList;
import io.acquire.client.wire.PublicationWire.Publish;
import io.acquire.client.wire.PublicationWire.PublishedFile;
import io.acquire.client.wire.PublicationWire.Withdraw;
import io.acquire.client.wire.Json;
import io.acquire.services.http.ApiException;
import io.acquire.services.http.Bodies;
import io.acquire.services.http.Routes;
import io.acquire.services.storage.Drives.Version;
import io.acquire.services.storage.PublicationRecord.Frozen;
import io.javalin.http.Context;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * Storage's publication endpoints. Publishing, listing and withdrawing take a person's
 * signed session; the landing page, metadata, citations and files are public (no login),
 * at URLs that stay as they are for the life of the store.
 */
final class PublicationRoutes {
  private PublicationRoutes() {}

  /** @param base storage's public URL, such as {@code http://localhost:8080/t/storage} */
  static void mount(Routes routes, Publications publications, Supplier<String> base) {
    routes.post("/publications", routes.forPeople((ctx, caller) -> {
          PublicationRecord record = publications.publish(caller.username(), Bodies.json(ctx, Publish.class),
              id -> landingPage(base, id));
          ctx.status(201).json(info(metadata(base, record)));
        }))
        .get("/publications", routes.forPeople((ctx, caller) -> ctx.json(new PublicationList(
            publications.of(caller.username()).stream().map(r -> info(metadata(base, r))).toList()))))
        .post("/publications/{id}/withdraw", routes.forPeople((ctx, caller) -> {
          Withdraw request = Bodies.json(ctx, Withdraw.class);
          PublicationRecord record = publications.withdraw(caller.username(), ctx.pathParam("id"),
              request == null ? null : request.reason());
          ctx.json(info(metadata(base, record)));
        }))
        .get("/publications/{id}", ctx -> PublicationPage.render(ctx, metadata(base, find(publications, ctx))))
        .get("/publications/{id}/datacite.json", ctx -> {
          ctx.contentType("application/vnd.datacite.datacite+json")
              .header("Access-Control-Allow-Origin", "*")
              .result(Json.write(metadata(base, find(publications, ctx)).datacite()));
        })
        .get("/publications/{id}/citation", ctx -> citation(ctx, metadata(base, find(publications, ctx))))
        .get("/publications/{id}/files/<path>", ctx -> download(ctx, publications, find(publications, ctx), true))
        // curl -I and download managers ask first; the answer carries the GET's headers, no body.
        .head("/publications/{id}/files/<path>", ctx -> download(ctx, publications, find(publications, ctx), false));
  }

  static String landingPage(Supplier<String> base, String id) {
    return base.get() + "/publications/" + id;
  }

  private static PublicationRecord find(Publications publications, Context ctx) {
    String id = ctx.pathParam("id");
    return publications.get(id).orElseThrow(() -> ApiException.notFound("No publication " + id + "."));
  }

  private static PublicationMetadata metadata(Supplier<String> base, PublicationRecord record) {
    return new PublicationMetadata(record, landingPage(base, record.id()));
  }

  static PublicationInfo info(PublicationMetadata metadata) {
    PublicationRecord r = metadata.record();
    return new PublicationInfo(r.id(), r.identifier(), metadata.identifierUrl(), metadata.landingPage(),
        metadata.metadataUrl(), r.title(), r.creators(), r.description(), r.publisher(), r.publicationYear(),
        r.publishedAt(), r.owner(), r.drive(), r.folder(), r.state(), r.withdrawnAt(), r.withdrawReason(),
        r.totalSize(), r.files().stream().map(f -> new PublishedFile(f.path(), f.version(), f.size(), f.sha256(),
            metadata.fileUrl(f))).toList());
  }

  private static void citation(Context ctx, PublicationMetadata metadata) {
    String format = ctx.queryParam("format");
    ctx.header("Access-Control-Allow-Origin", "*");
    switch (format == null ? "" : format) {
      case "bibtex" -> ctx.contentType("application/x-bibtex; charset=utf-8").result(metadata.bibtex());
      case "csl-json" -> ctx.contentType("application/vnd.citationstyles.csl+json")
          .result(Json.write(metadata.cslJson()));
      case "text" -> ctx.contentType("text/plain; charset=utf-8").result(metadata.text());
      default -> throw ApiException.badRequest("Query 'format' must be one of "
          + String.join(", ", PublicationWire.CITATION_FORMATS) + ".");
    }
  }

  /** A published file's frozen version, with byte ranges as drive downloads serve them; 410 once withdrawn. */
  private static void download(Context ctx, Publications publications, PublicationRecord record, boolean body) {
    String path = ctx.pathParam("path");
    Frozen file = record.files().stream().filter(f -> f.path().equals(path)).findFirst().orElseThrow(() ->
        ApiException.notFound("Publication " + record.identifier() + " has no file " + path + "."));
    if (record.withdrawn()) {
      throw new ApiException(410, "withdrawn", "Publication " + record.identifier() + " was withdrawn on "
          + record.withdrawnAt() + " (" + record.withdrawReason() + "); its files are no longer served.");
    }
    Version version = publications.version(record, file);
    ByteRange range;
    try {
      range = ByteRange.parse(ctx.header("Range"), version.size());
    } catch (ApiException unsatisfiable) {
      ctx.header("Content-Range", "bytes */" + version.size());
      throw unsatisfiable;
    }
    long from = range == null ? 0 : range.first();
    long length = range == null ? version.size() : range.length();
    if (range != null) {
      ctx.status(206).header("Content-Range", "bytes " + range.first() + "-" + range.last() + "/" + version.size());
    }
    String name = path.substring(path.lastIndexOf('/') + 1);
    ctx.header("Accept-Ranges", "bytes")
        .header("Content-Length", Long.toString(length))
        .header("ETag", "\"" + version.sha256() + "\"")
        .header(io.acquire.client.wire.StorageWire.FILE_SHA256_HEADER, version.sha256())
        // The bytes never change, but a withdrawal must reach caches too: five minutes at most.
        .header("Cache-Control", "public, max-age=300")
        .header("Access-Control-Allow-Origin", "*")
        .header("Content-Disposition", "attachment; filename*=UTF-8''"
            + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"))
        .contentType("application/octet-stream");
    if (body) {
      ctx.result(limited(publications, version, from, length));
    }
  }

  private static InputStream limited(Publications publications, Version version, long from, long length) {
    return new FilterInputStream(publications.open(version, from)) {
      private long left = length;

      @Override
      public int read(byte[] buffer, int offset, int count) throws IOException {
        if (left <= 0) {
          return -1;
        }
        int n = super.read(buffer, offset, (int) Math.min(count, left));
        if (n > 0) {
          left -= n;
        }
        return n;
      }
    };
  }
}
