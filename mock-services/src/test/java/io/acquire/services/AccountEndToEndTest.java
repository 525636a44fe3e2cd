package io.acquire.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.acquire.client.Account;
import io.acquire.client.ConflictException;
import io.acquire.client.InsufficientFundsException;
import io.acquire.client.Money;
import io.acquire.client.User;
import io.acquire.client.Receipt;
import io.acquire.client.StatementLine;
import io.acquire.services.store.MemoryObjectStore;
import io.acquire.services.testing.RealLogins;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The SDK's Account against the real backend, logged in through the real identity flow. */
class AccountEndToEndTest {
  private final AcquireServer server = AcquireServer.builder().store(new MemoryObjectStore()).port(0)
      .option("identity.bcrypt-cost", "4").option("identity.poll-interval-seconds", "1").start();

  @AfterEach
  void stop() {
    server.close();
  }

  private User loggedIn(String name) {
    return RealLogins.loggedIn(server.url(), name);
  }

  private static Money gbp(String amount) {
    return Money.of(amount, "GBP");
  }

  @Test
  void accountsFundTransferHoldAndCaptureThroughTheSdk() {
    User ada = loggedIn("ada");
    User bob = loggedIn("bob");
    Account simulations = Account.create(ada, "simulations");
    Account bobs = Account.create(bob, "main");
    assertEquals(gbp("100.00"), simulations.balance(), "demo credit");
    simulations.setLimits(Money.zero("GBP"), gbp("30.00"));
    assertEquals(gbp("30.00"), simulations.status().dailyCap());

    Receipt receipt = simulations.transferTo(bobs, gbp("12.50"), "shared cluster time");
    assertEquals(gbp("12.50"), receipt.amount());
    assertEquals(gbp("112.50"), bobs.balance());

    InsufficientFundsException capped = assertThrows(InsufficientFundsException.class,
        () -> simulations.transferTo(bobs, gbp("20.00"), "too much today"));
    assertEquals(402, capped.status());
    assertTrue(capped.getMessage().contains("daily cap of 30.00 GBP"), capped.getMessage());

    Account.Hold hold = simulations.hold(gbp("10.00"), Duration.ofMinutes(10), "job quote");
    assertEquals("active", hold.status());
    assertEquals(gbp("77.50"), simulations.status().available());
    hold.capture(gbp("6.25"));
    assertEquals("captured", hold.status());
    assertEquals(gbp("81.25"), simulations.balance());
    assertThrows(ConflictException.class, () -> hold.capture(gbp("1.00")));
    assertThrows(InsufficientFundsException.class,
        () -> simulations.hold(gbp("500.00"), Duration.ofMinutes(1), "more than there is"));

    List<StatementLine> lines = simulations.statement();
    assertEquals(List.of("open", "credit", "debit", "hold", "capture"), lines.stream().map(StatementLine::kind).toList());
    assertEquals(gbp("81.25"), lines.get(lines.size() - 1).balance());
    assertEquals(List.of("simulations"), Account.list(ada).stream().map(Account::name).toList());
    assertEquals(simulations.id(), Account.open(ada, "simulations").id());
  }

  @Test
  void moneyIsExactAndRefusesWhatItCannotRepresent() {
    assertEquals("0.30 GBP", gbp("0.10").plus(gbp("0.20")).toString());
    assertThrows(IllegalArgumentException.class, () -> gbp("0.001"));
    assertThrows(IllegalArgumentException.class, () -> gbp("NaN"));
    assertThrows(IllegalArgumentException.class, () -> gbp("1000000000000.01"));
    assertThrows(IllegalArgumentException.class, () -> gbp("1").plus(Money.of("1", "EUR")));
  }
}
