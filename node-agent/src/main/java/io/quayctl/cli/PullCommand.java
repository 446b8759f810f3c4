package io.quayctl.cli;

import io.quayctl.distribution.ImageDistributor;
import io.quayctl.registry.ImageReference;
import io.quayctl.registry.ResolvedImage;
import io.quayctl.runtime.ContainerRuntime;
import io.quayctl.runtime.ImportResult;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code quayctl docker torrent pull IMAGE}: download over BitTorrent, verify, import. */
@Command(
    name = "pull",
    description =
        "Pull an image's layers over BitTorrent (from peers, and from the registry as a web seed"
            + " unless --skip-web-seed), verify every blob against its digest, and import the"
            + " image into the local runtime.",
    mixinStandardHelpOptions = true)
final class PullCommand implements Callable<Integer> {

  @Parameters(paramLabel = "IMAGE", description = "Image reference, e.g. quay.io/org/app:1.2")
  String image;

  @Mixin TorrentOptions options;

  @Option(names = "--squashed", description = "Pull the squashed form of the image (one layer).")
  boolean squashed;

  @Option(
      names = "--seed-after",
      defaultValue = "0",
      converter = DurationConverter.class,
      description =
          "Keep seeding this long after the import, e.g. 10m (default: 0, as the original).")
  Duration seedAfter;

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    ImageReference reference = ImageReference.parse(image);
    if (squashed) {
      throw new UnsupportedOperationException(
          "--squashed is not supported yet: squashed images arrive with a later release");
    }
    try (ContainerRuntime runtime = Runtimes.open(options, out);
        TorrentSetup setup = TorrentSetup.open(options, reference, null)) {
      ResolvedImage resolved = Transfers.resolve(setup, reference, options, out);
      Transfers.fetchWithProgress(setup.distributor, resolved, options, out);
      ImageDistributor.Totals totals = setup.distributor.totals(resolved);
      out.println(
          "Verified "
              + ImageDistributor.blobs(resolved).size()
              + " blobs ("
              + ProgressDisplay.bytes(resolved.totalBytes())
              + "; from peers "
              + ProgressDisplay.bytes(totals.fromPeers())
              + ", from registry "
              + ProgressDisplay.bytes(totals.fromRegistry())
              + ")");
      ImportResult result = runtime.importImage(resolved, setup.store);
      out.println(
          switch (result.outcome()) {
            case IMPORTED ->
                "Imported "
                    + reference
                    + " into "
                    + runtime.name()
                    + " (image "
                    + result.imageId()
                    + ", "
                    + result.layersSent()
                    + " layers sent, "
                    + result.layersSkipped()
                    + " already present)";
            case ALREADY_PRESENT ->
                reference
                    + " is already in "
                    + runtime.name()
                    + " (image "
                    + result.imageId()
                    + ")";
          });
      if (!seedAfter.isZero() && setup.engine != null) {
        out.println("Seeding for " + seedAfter.toString().substring(2).toLowerCase() + "...");
        Transfers.seedFor(setup.distributor, resolved, seedAfter, options, out);
      }
    }
    return ExitCode.OK;
  }
}
