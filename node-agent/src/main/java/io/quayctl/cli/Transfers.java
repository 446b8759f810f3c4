package io.quayctl.cli;

import io.quayctl.api.ImageReference;
import io.quayctl.distribution.ImageDistributor;
import io.quayctl.registry.ResolvedImage;
import io.quayctl.squash.Squasher;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** The steps {@code pull} and {@code seed} share: resolve, fetch with progress, seed. */
final class Transfers {
  private static final Duration SEED_REPORT_INTERVAL = Duration.ofMinutes(1);

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

  /**
   * The squashed form of {@code original} ({@code --squashed}). A host that reads the registry
   * fetches the original's blobs (with progress) and squashes them, unless it did before; others
   * take the squashed manifest from the index. Its blobs still have to be fetched.
   */
  static ResolvedImage squashed(
      TorrentSetup setup, ResolvedImage original, TorrentOptions options, PrintStream out)
      throws IOException {
    Squasher squasher = new Squasher(setup.store);
    boolean squashedBefore = squasher.cached(original).isPresent();
    if (setup.registry != null && !squashedBefore) {
      fetchWithProgress(setup.distributor, original, options, out);
      out.println(
          "Squashing "
              + ProgressDisplay.count(original.layers().size(), "layer")
              + " ("
              + ProgressDisplay.bytes(original.totalBytes())
              + ") into one");
    }
    if (setup.registry == null && !squashedBefore) {
      out.println(
          "Waiting up to "
              + options.peerTimeout.toString().substring(2).toLowerCase(Locale.ROOT)
              + " (--peer-timeout) for a bastion to publish the squashed form of "
              + original.manifestDigest());
    }
    ResolvedImage squashed =
        setup.distributor.resolveSquashed(
            original,
            squasher,
            r ->
                out.println(
                    String.format(
                        Locale.ROOT,
                        "Squashed into %s in %.1f s: %d of %d entries kept, %s applied%s",
                        ProgressDisplay.bytes(r.layerBytes()),
                        r.took().toMillis() / 1000.0,
                        r.entriesKept(),
                        r.entriesRead(),
                        ProgressDisplay.count(r.whiteouts(), "whiteout"),
                        r.brokenLinks() == 0
                            ? ""
                            : ", "
                                + ProgressDisplay.count(r.brokenLinks(), "hard link")
                                + " to missing files dropped")));
    out.println(
        "Squashed manifest "
            + squashed.manifestDigest()
            + ": 1 layer, "
            + ProgressDisplay.bytes(squashed.totalBytes()));
    return squashed;
  }

  /**
   * After a pull, keeps seeding {@code image} for {@code duration} ({@code --seed-after}; zero: not
   * at all), a stop then being the normal end.
   */
  static void seedAfterPull(
      TorrentSetup setup,
      ShutdownGuard guard,
      ResolvedImage image,
      Duration duration,
      TorrentOptions options,
      PrintStream out)
      throws IOException {
    if (duration.isZero() || setup.engine == null) {
      return;
    }
    guard.stoppingIsNormal(stoppedSeeding(setup.distributor, image));
    out.println("Seeding for " + duration.toString().substring(2).toLowerCase(Locale.ROOT) + "...");
    seedFor(setup.distributor, image, duration, options, out);
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
    boolean tty = System.console() != null && !options.debug;
    long end = duration.isZero() ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
    try (Reporter reporter = new Reporter(distributor, image, options, out, true)) {
      // Without a terminal's live bars, a line each minute in which peers took something.
      long reported = distributor.seeding(image).uploaded();
      while (true) {
        long left = end - System.nanoTime();
        if (left <= 0) {
          break;
        }
        TimeUnit.NANOSECONDS.sleep(Math.min(left, SEED_REPORT_INTERVAL.toNanos()));
        ImageDistributor.Seeding now = distributor.seeding(image);
        if (!tty && now.uploaded() > reported) {
          out.println(
              "Seeding: "
                  + ProgressDisplay.bytes(now.uploaded())
                  + " uploaded so far, "
                  + ProgressDisplay.count(now.peers(), "peer")
                  + " connected");
          reported = now.uploaded();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted");
    }
    out.println(
        "Seeded "
            + image.reference()
            + " for "
            + duration.toString().substring(2).toLowerCase(java.util.Locale.ROOT)
            + ": "
            + ProgressDisplay.bytes(distributor.seeding(image).uploaded())
            + " uploaded to peers");
  }

  /** What a seeder says when a signal stops it: what it gave its peers. */
  static Supplier<String> stoppedSeeding(ImageDistributor distributor, ResolvedImage image) {
    return () ->
        "quayctl: stopped seeding "
            + image.reference()
            + " ("
            + ProgressDisplay.bytes(distributor.seeding(image).uploaded())
            + " uploaded to peers)";
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
