package io.acquire.services.store;

class MemoryObjectStoreTest extends ObjectStoreContract {
  @Override
  protected ObjectStore open() {
    return new MemoryObjectStore();
  }
}
