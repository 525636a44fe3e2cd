package io.acquire.client;

import java.time.Instant;

/** A session as the identity service sees it, from {@link User#whoAmI()}. */
public record SessionInfo(String username, String sessionId, String scope, Instant expiresAt) {}
