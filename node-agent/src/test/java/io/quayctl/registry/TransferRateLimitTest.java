package io.quayctl.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TransferRateLimitTest {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  private long now = 1_000 * SECOND;

  @Test
  void aSecondsWorthPassesAtOnceThenReadsWaitForTheirShare() {
    TransferRateLimit limit = new TransferRateLimit(1000, () -> now);

    assertThat(limit.take(1000)).isZero();
    assertThat(limit.take(500)).isEqualTo(SECOND / 2);
    // The next reader queues behind the first one's debt.
    assertThat(limit.take(500)).isEqualTo(SECOND);
  }

  @Test
  void timeRefillsTheBucketButNeverBeyondOneSecond() {
    TransferRateLimit limit = new TransferRateLimit(1000, () -> now);
    limit.take(1000);

    now += SECOND / 4;
    assertThat(limit.take(250)).isZero();

    now += 10 * SECOND;
    assertThat(limit.take(1000)).isZero();
    assertThat(limit.take(100)).isEqualTo(SECOND / 10);
  }
}
