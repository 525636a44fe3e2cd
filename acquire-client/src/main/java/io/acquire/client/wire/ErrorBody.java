package io.acquire.client.wire;

/**
 * The one error shape every service answers with.
 *
 * @param status the HTTP status, repeated for logs that keep only the body
 * @param error a stable machine-readable code such as {@code invalid_request}
 * @param message a sentence for a person: what was wrong and what to do
 * @param requestId the id to quote when reporting a problem
 */
public record ErrorBody(int status, String error, String message, String requestId) {}
