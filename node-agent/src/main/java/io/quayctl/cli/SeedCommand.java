package io.quayctl.cli;

import io.quayctl.api.ImageReference;
import io.quayctl.registry.ResolvedImage;
import io.quayctl.tracker.TrackerServer;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code quayctl docker|rkt torrent seed IMAGE}: get every blob (verified), then seed it. What is
 * seeded, the image or its squashed form, is the subclass's to say.
 */
abstract class SeedCommand implements Callable<Integer> {

  @Parameters(paramLabel = "IMAGE", description = "Image reference, e.g. quay.io/org/app:1.2")
  String image;

  @Mixin TorrentOptions options;

  @Mixin ExitCode.Help exitCodes;

  @Spec CommandSpec spec;

  @Option(
      names = "--duration",
      defaultValue = "0",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Seed this long, e.g. 10m; 0 = until interrupted (default: ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(
      names = "--serve-tracker",
      paramLabel = "HOST:PORT",
      description =
          "Also run a tracker and metainfo index in this process, listening here; peers use"
              + " --tracker http://HOST:PORT/announce.")
  String serveTracker;

  /** Whether to seed the image squashed into one layer rather than its layers. */
  abstract boolean squashed();

  @Override
  public Integer call() throws Exception {
    InetSocketAddress trackerAddress =
        serveTracker == null ? null : TrackerCommand.address(serveTracker, "--serve-tracker");
    options.validate(System.getenv(), trackerAddress != null);
    if (trackerAddress == null && options.trackers.isEmpty() && options.peers.isEmpty()) {
      throw new ParameterException(
          spec.commandLine(),
          "seeding needs a tracker: give --tracker URL or --serve-tracker HOST:PORT");
    }
    PrintStream out = System.out;
    ImageReference reference = ImageReference.parse(image);
    TrackerServer tracker =
        trackerAddress == null ? null : TrackerCommand.start(trackerAddress, "--serve-tracker");
    try (TorrentSetup setup = TorrentSetup.open(options, reference, tracker);
        ShutdownGuard guard =
            ShutdownGuard.install(
                setup,
                System.err,
                "interrupted before the image was complete: verified blobs and partial"
                    + " downloads are kept in "
                    + options.dataDir()
                    + "; run the same command to resume")) {
      if (tracker != null) {
        out.println("Tracker and index listening at " + tracker.baseUri());
      }
      out.println("Peers connect to port " + setup.engine.listenPort());
      ResolvedImage resolved = Transfers.resolve(setup, reference, options, out);
      if (squashed()) {
        resolved = Transfers.squashed(setup, resolved, options, out);
      }
      Transfers.fetchWithProgress(setup.distributor, resolved, options, out);
      guard.stoppingIsNormal(Transfers.stoppedSeeding(setup.distributor, resolved));
      String what = reference + (squashed() ? " (squashed)" : "");
      out.println(
          duration.isZero()
              ? "Seeding " + what + " until interrupted (Ctrl-C stops)"
              : "Seeding " + what + " for " + duration.toString().substring(2).toLowerCase());
      Transfers.seedFor(setup.distributor, resolved, duration, options, out);
    } finally {
      if (tracker != null) {
        tracker.close();
      }
    }
    return ExitCode.OK;
  }
}
