package io.acquire.services.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.JsonMappingException;
import io.acquire.client.wire.Json;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.stream.Collectors;

/** Reading request bodies with errors that say which field was wrong. */
public final class Bodies {
  private Bodies() {}

  /** Parses the JSON body as {@code type}, or throws a 400 that names the problem. */
  public static <T> T json(Context ctx, Class<T> type) {
    byte[] body = RequestVerifier.body(ctx);
    if (body.length == 0) {
      throw ApiException.badRequest("Request body is empty; send a JSON object.");
    }
    try {
      T value = Json.mapper().readValue(body, type);
      if (value == null) {
        throw ApiException.badRequest("Request body is null; send a JSON object.");
      }
      return value;
    } catch (com.fasterxml.jackson.databind.exc.ValueInstantiationException e) {
      Throwable cause = e.getCause();
      throw ApiException.badRequest("Field '" + path(e) + "' is not valid"
          + (cause instanceof IllegalArgumentException ? ": " + cause.getMessage() : "."));
    } catch (MismatchedInputException e) {
      throw ApiException.badRequest("Field '" + path(e) + "' has the wrong type or format.");
    } catch (JsonMappingException e) {
      throw ApiException.badRequest("Request body does not match the expected shape at '" + path(e) + "'.");
    } catch (com.fasterxml.jackson.core.exc.StreamConstraintsException e) {
      // Jackson's guards against costly input: numbers over 1000 digits, nesting over 1000 levels.
      throw ApiException.badRequest("Request body is outside the limits of JSON this service reads: "
          + e.getOriginalMessage() + ".");
    } catch (JsonProcessingException e) {
      // Some parse errors carry no location.
      throw ApiException.badRequest("Request body is not valid JSON" + (e.getLocation() == null ? "."
          : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")."));
    } catch (IOException e) {
      throw ApiException.badRequest("Request body could not be read.");
    }
  }

  /** Returns {@code value} if present and at most {@code maxLength} characters, else a 400. */
  public static String required(String field, String value, int maxLength) {
    if (value == null || value.isBlank()) {
      throw ApiException.badRequest("Field '" + field + "' is required.");
    }
    if (value.length() > maxLength) {
      throw ApiException.badRequest("Field '" + field + "' is longer than " + maxLength + " characters.");
    }
    return value;
  }

  private static String path(JsonMappingException e) {
    String path = e.getPath().stream()
        .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
        .collect(Collectors.joining("."));
    return path.isEmpty() ? "(root)" : path;
  }
}
