package io.quayctl.registry;

import java.io.InterruptedIOException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A download rate limit shared by every transfer of one {@link RegistryClient} (or of several,
 * given to each builder): a token bucket that holds at most one second's worth of bytes. A read
 * that overdraws it makes the reader, and the readers after it, wait until the debt is paid.
 */
public final class TransferRateLimit {
  private final long bytesPerSecond;
  private final LongSupplier nanoTime;
  private long available;
  private long refilledAt;

  /** A limit of {@code bytesPerSecond} (positive), to share between clients. */
  public static TransferRateLimit of(long bytesPerSecond) {
    return new TransferRateLimit(bytesPerSecond, System::nanoTime);
  }

  TransferRateLimit(long bytesPerSecond, LongSupplier nanoTime) {
    if (bytesPerSecond <= 0) {
      throw new IllegalArgumentException("rate must be positive, was " + bytesPerSecond);
    }
    this.bytesPerSecond = bytesPerSecond;
    this.nanoTime = nanoTime;
    this.available = bytesPerSecond;
    this.refilledAt = nanoTime.getAsLong();
  }

  /** Takes {@code bytes} from the bucket and returns how long the caller must wait, in ns. */
  synchronized long take(long bytes) {
    long now = nanoTime.getAsLong();
    long earned = (now - refilledAt) * bytesPerSecond / TimeUnit.SECONDS.toNanos(1);
    if (earned > 0) {
      available = Math.min(bytesPerSecond, available + earned);
      refilledAt = now;
    }
    available -= bytes;
    return available >= 0 ? 0 : -available * TimeUnit.SECONDS.toNanos(1) / bytesPerSecond;
  }

  /** Waits until {@code bytes} more may be read. */
  void acquire(long bytes) throws InterruptedIOException {
    long wait = take(bytes);
    if (wait > 0) {
      try {
        TimeUnit.NANOSECONDS.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while keeping to the download rate limit");
      }
    }
  }
}
