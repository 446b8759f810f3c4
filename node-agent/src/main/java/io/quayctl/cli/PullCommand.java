package io.quayctl.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quayctl.api.ImageReference;
import io.quayctl.distribution.ImageDistributor;
import io.quayctl.registry.ResolvedImage;
import io.quayctl.runtime.ContainerRuntime;
import io.quayctl.runtime.ImportResult;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code quayctl docker torrent pull IMAGE}: download over BitTorrent, verify, import. */
@Command(
    name = "pull",
    description =
        "Pull an image's layers over BitTorrent (from peers, and from the registry as a web seed"
            + " unless --skip-web-seed), verify every blob against its digest, and import the"
            + " image into the local runtime.",
    mixinStandardHelpOptions = true,
    abbreviateSynopsis = true)
final class PullCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Parameters(paramLabel = "IMAGE", description = "Image reference, e.g. quay.io/org/app:1.2")
  String image;

  @Mixin TorrentOptions options;

  @Mixin RuntimeOptions runtimeOptions;

  @Mixin ExitCode.Help exitCodes;

  @Option(
      names = "--squashed",
      description =
          "Pull the image squashed into one layer: a host that reads the registry squashes it"
              + " (and seeds the result), other hosts get the squashed layer from peers. The"
              + " runtime gets it under the same name.")
  boolean squashed;

  @Option(
      names = "--seed-after",
      defaultValue = "0",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "Keep seeding this long after the import, e.g. 10m; 0 = not at all, as the original"
              + " (default: ${DEFAULT-VALUE}).")
  Duration seedAfter;

  @Option(
      names = "--stats-file",
      paramLabel = "FILE",
      description =
          "After a successful pull, write a JSON summary here: seconds, bytes from peers (by"
              + " address) and from the registry, the runtime's image id. Missing parent"
              + " directories are created; the file is replaced atomically.")
  Path statsFile;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    options.validate(System.getenv(), false);
    runtimeOptions.validate(System.getenv());
    if (statsFile != null) {
      OutputFiles.check(spec.commandLine(), "--stats-file", statsFile);
    }
    PrintStream out = System.out;
    long started = System.nanoTime();
    ImageReference reference = ImageReference.parse(image);
    try (ContainerRuntime runtime = Runtimes.open(runtimeOptions, out);
        TorrentSetup setup = TorrentSetup.open(options, reference, null);
        ShutdownGuard guard =
            ShutdownGuard.install(
                setup,
                System.err,
                "interrupted: verified blobs and partial downloads are kept in "
                    + options.dataDir()
                    + "; run the same command to resume")) {
      ResolvedImage original = Transfers.resolve(setup, reference, options, out);
      ResolvedImage resolved =
          squashed ? Transfers.squashed(setup, original, options, out) : original;
      // Already in the runtime: nothing to fetch, unless its blobs are wanted for seeding.
      boolean fetch = !seedAfter.isZero() || !runtime.isPresent(resolved);
      if (fetch) {
        Transfers.fetchWithProgress(setup.distributor, resolved, options, out);
      }
      ImageDistributor.Totals totals = setup.distributor.totals(resolved);
      Map<String, Long> byPeer = setup.distributor.fromPeersByAddress(resolved);
      if (squashed) {
        // What the original's layers took to get here, on a host that squashed them.
        totals = totals.plus(setup.distributor.totals(original));
        setup
            .distributor
            .fromPeersByAddress(original)
            .forEach((k, v) -> byPeer.merge(k, v, Long::sum));
      }
      if (fetch) {
        out.println(
            "Verified "
                + ProgressDisplay.count(ImageDistributor.blobs(resolved).size(), "blob")
                + " ("
                + ProgressDisplay.bytes(resolved.totalBytes())
                + "; from peers "
                + ProgressDisplay.bytes(totals.fromPeers())
                + ", from registry "
                + ProgressDisplay.bytes(totals.fromRegistry())
                + ")");
        if (totals.fromPeers() > 0) {
          out.println("From peers: " + perPeer(byPeer, totals.fromPeers()));
        }
      }
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
                    + ProgressDisplay.count(result.layersSent(), "layer")
                    + " sent, "
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
      double seconds = (System.nanoTime() - started) / 1e9;
      out.println(String.format(Locale.ROOT, "Pulled %s in %.1f s", reference, seconds));
      if (statsFile != null) {
        writeStats(resolved, runtime.name(), result, seconds, totals, byPeer);
      }
      Transfers.seedAfterPull(setup, guard, resolved, seedAfter, options, out);
    }
    return ExitCode.OK;
  }

  /**
   * {@code 10.0.0.3 5.0 MiB, 10.0.0.2 4.1 MiB}, plus what the sampling of per-connection counters
   * could not attribute (bytes that arrived in the last moment of a blob, or all of a fast one).
   */
  static String perPeer(Map<String, Long> byPeer, long fromPeers) {
    List<String> parts = new ArrayList<>();
    long attributed = 0;
    for (Map.Entry<String, Long> e : byPeer.entrySet()) {
      parts.add(e.getKey() + " " + ProgressDisplay.bytes(e.getValue()));
      attributed += e.getValue();
    }
    String line = String.join(", ", parts);
    long rest = fromPeers - attributed;
    if (rest > 0) {
      line +=
          (parts.isEmpty() ? "" : ", ")
              + "unattributed "
              + ProgressDisplay.bytes(rest)
              + " (arrived between samples)";
    }
    return line;
  }

  private void writeStats(
      ResolvedImage resolved,
      String runtimeName,
      ImportResult result,
      double seconds,
      ImageDistributor.Totals totals,
      Map<String, Long> byPeer)
      throws IOException {
    ObjectNode json = JSON.createObjectNode();
    json.put("image", resolved.reference().toString());
    json.put("manifestDigest", resolved.manifestDigest().toString());
    json.put("runtime", runtimeName);
    json.put("imageId", result.imageId());
    json.put("outcome", result.outcome().name().toLowerCase(Locale.ROOT));
    json.put("seconds", Math.round(seconds * 1000) / 1000.0);
    json.put("bytes", resolved.totalBytes());
    json.put("fromPeers", totals.fromPeers());
    json.put("fromRegistry", totals.fromRegistry());
    ObjectNode peers = json.putObject("fromPeersByAddress");
    byPeer.forEach(peers::put);
    Path target = statsFile.toAbsolutePath();
    Path parent = target.getParent();
    Path tmp = null;
    try {
      Files.createDirectories(parent);
      // Beside the target, so that the move is atomic and nothing is left elsewhere.
      tmp = Files.createTempFile(parent, "." + target.getFileName() + ".", ".tmp");
      JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), json);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      if (tmp != null) {
        Files.deleteIfExists(tmp);
      }
      throw new OutputFiles.WriteException("--stats-file", statsFile, e);
    }
  }
}
