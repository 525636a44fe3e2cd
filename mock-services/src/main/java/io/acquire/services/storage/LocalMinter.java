package io.acquire.services.storage;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Identifiers minted by this backend alone, under DataCite's test prefix {@code 10.5072}
 * by default: a DOI's shape, so the metadata is DataCite's with {@code identifierType: DOI}
 * and moving to a real prefix changes nothing else, but a prefix that DataCite keeps for
 * tests and that never resolves at doi.org, so nobody mistakes a local identifier for a
 * registered one. The store's publication record is the registry: the landing page is
 * where the identifier resolves, so reserving, publishing and withdrawing have nothing
 * further to tell anyone.
 */
final class LocalMinter implements Minter {
  static final String TEST_PREFIX = "10.5072";

  private final String prefix;

  LocalMinter(String prefix) {
    this.prefix = prefix;
  }

  @Override
  public String prefix() {
    return prefix;
  }

  @Override
  public boolean resolvesAtDoiOrg() {
    return false;
  }

  @Override
  public void reserve(String doi, ObjectNode metadata) {
    // The publication's record, written next, is the reservation.
  }

  @Override
  public void publish(String doi, String landingPage) {
    // The landing page is live as soon as the record is stored.
  }

  @Override
  public void release(String doi) {
    // Nothing was registered beyond the record, which the caller removes.
  }

  @Override
  public void withdraw(String doi) {
    // The record's state makes the landing page a tombstone.
  }

  @Override
  public String toString() {
    return "LocalMinter[prefix=" + prefix + "]";
  }
}
