package io.quayctl.cli;

import io.quayctl.distribution.ImageDistributor;
import io.quayctl.registry.ImageReference;
import io.quayctl.registry.ResolvedImage;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** The steps {@code pull} and {@code seed} share: resolve, fetch with progress, seed. */
final class Transfers {
  private Transfers() {}

  static ResolvedImage resolve(
      TorrentSetup setup, ImageReference reference, TorrentOptions options, PrintStream out)
      throws IOException {
    out.println(
        "Resolving "
            + reference
            + " for "
            + options.platform()
            + (setup.registry == null ? " through the index at " + setup.indexUri : ""));
    ResolvedImage image = setup.distributor.resolve(reference, options.platform());
    out.println(
        "Manifest "
            + image.manifestDigest()
            + ": "
            + ProgressDisplay.count(image.uniqueLayers().size(), "layer")
            + ", "
            + ProgressDisplay.bytes(image.totalBytes()));
    return image;
  }

  /** Fetches every blob, showing progress as it goes. */
  static void fetchWithProgress(
      ImageDistributor distributor, ResolvedImage image, TorrentOptions options, PrintStream out)
      throws IOException {
    try (Reporter reporter = new Reporter(distributor, image, options, out, false)) {
      distributor.fetch(image);
    }
  }

  /** Keeps the process seeding for {@code duration} (zero: until interrupted). */
  static void seedFor(
      ImageDistributor distributor,
      ResolvedImage image,
      Duration duration,
      TorrentOptions options,
      PrintStream out)
      throws IOException {
    try (Reporter reporter = new Reporter(distributor, image, options, out, true)) {
      if (duration.isZero()) {
        Thread.sleep(Long.MAX_VALUE);
      } else {
        Thread.sleep(duration.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted");
    }
  }

  /**
   * Redraws progress four times a second on a terminal; otherwise logs moving blobs every 10 s and
   * each completion once.
   */
  private static final class Reporter implements AutoCloseable {
    private final ScheduledExecutorService timer;
    private final ProgressDisplay display;
    private final ImageDistributor distributor;
    private final ResolvedImage image;

    Reporter(
        ImageDistributor distributor,
        ResolvedImage image,
        TorrentOptions options,
        PrintStream out,
        boolean seeding) {
      this.distributor = distributor;
      this.image = image;
      boolean tty = System.console() != null && !options.debug;
      this.display = new ProgressDisplay(out, tty, Clock.systemUTC(), Duration.ofSeconds(10));
      if (seeding) {
        // The fetch already logged each blob's completion.
        display.alreadyReported(distributor.progress(image));
      }
      this.timer =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "progress");
                t.setDaemon(true);
                return t;
              });
      long period = tty ? 250 : 1000;
      timer.scheduleAtFixedRate(this::draw, 0, period, TimeUnit.MILLISECONDS);
    }

    private void draw() {
      try {
        display.update(distributor.progress(image));
      } catch (RuntimeException e) {
        // Progress is best effort; the transfer reports its own errors.
      }
    }

    @Override
    public void close() {
      timer.shutdownNow();
      draw();
      display.finish();
    }
  }
}
