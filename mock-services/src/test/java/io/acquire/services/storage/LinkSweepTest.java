package io.acquire.services.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.acquire.client.wire.SharingWire.CreateLink;
import io.acquire.client.wire.SharingWire.LinkInfo;
import io.acquire.services.storage.Drives.DriveRecord;
import io.acquire.services.store.JsonObjects;
import io.acquire.services.store.MemoryObjectStore;
import io.acquire.services.testing.MutableClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LinkSweepTest {
  private final MutableClock clock = MutableClock.ofNow();
  private final JsonObjects objects = new JsonObjects(new MemoryObjectStore());
  private final Drives drives = new Drives(objects, clock);
  private final AccessRules access = new AccessRules(objects, drives, new Groups(objects, clock), clock);
  private final Links links = new Links(objects, drives, access, clock);

  @Test
  void anExpiredLinkStaysListedForThirtyDaysThenIsSweptWithItsIndex() {
    DriveRecord drive = drives.open("ada", "data");
    AccessRules.Access owner = access.forPerson(drive, "ada");
    LinkInfo day = links.create(owner, new CreateLink("", null, "read", Duration.ofDays(1).toSeconds(), null), "u");
    LinkInfo year = links.create(owner, new CreateLink("", null, "read", Duration.ofDays(365).toSeconds(), null), "u");

    clock.advance(Duration.ofDays(1).plus(Links.KEPT_AFTER_EXPIRY).minusSeconds(1));
    assertEquals(0, links.sweepExpired(), "kept for 30 days after it expired");
    assertEquals(2, links.list(owner).size());

    clock.advance(Duration.ofSeconds(2));
    assertEquals(1, links.sweepExpired());
    assertEquals(List.of(year.id()), links.list(owner).stream().map(LinkInfo::id).toList());
    assertEquals(List.of(), objects.store().list("storage/links/" + day.id()));
    assertEquals(1, objects.store().list("storage/drive-links/" + drive.id() + "/").size());
  }
}
