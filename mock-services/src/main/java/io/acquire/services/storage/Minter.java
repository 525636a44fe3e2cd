package io.acquire.services.storage;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Where a publication's persistent identifier is registered. A publication reserves its
 * identifier, is stored with its landing page, and only then makes the identifier public,
 * so an identifier never resolves to a page that does not exist; a failure in between
 * releases the reservation.
 *
 * <p>Implementations: {@link LocalMinter} (the store's record is the only registry; the
 * landing page is where the identifier resolves) and {@link DataCiteMinter} (DataCite's REST
 * API: a draft DOI, then the {@code publish} event). Failures are {@link
 * io.acquire.services.http.ApiException}s (502 or 504) whose messages never hold a secret.
 */
interface Minter {
  /** The DOI prefix identifiers are minted under, such as {@code 10.5072}. */
  String prefix();

  /** True if identifiers resolve at {@code https://doi.org/}; false if only the landing page resolves them. */
  boolean resolvesAtDoiOrg();

  /** Reserves {@code doi} with its metadata (DataCite JSON, {@link PublicationMetadata#datacite}); not yet findable. */
  void reserve(String doi, ObjectNode metadata);

  /** Makes a reserved {@code doi} findable, resolving to {@code landingPage}. */
  void publish(String doi, String landingPage);

  /** Gives up a reservation that was never published; best effort, since the caller is already failing. */
  void release(String doi);

  /**
   * Takes a published {@code doi} out of search and listings; it still resolves, to the
   * landing page that is now a tombstone (DOIs are never deleted once findable).
   */
  void withdraw(String doi);
}
