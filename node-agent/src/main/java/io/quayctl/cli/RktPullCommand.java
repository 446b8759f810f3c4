package io.quayctl.cli;

import io.quayctl.api.ImageReference;
import io.quayctl.registry.ResolvedImage;
import io.quayctl.runtime.rkt.AciImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code quayctl rkt torrent pull IMAGE}: the image squashed, over BitTorrent, written as an App
 * Container Image for rkt.
 */
@Command(
    name = "pull",
    description =
        "Pull an image squashed into one layer over BitTorrent (as 'docker torrent pull"
            + " --squashed'), verify it, and write it as an App Container Image (ACI) for rkt."
            + " rkt itself is not called: import the file with 'rkt fetch"
            + " --insecure-options=image FILE' (it is not signed).",
    mixinStandardHelpOptions = true,
    abbreviateSynopsis = true)
final class RktPullCommand implements Callable<Integer> {

  @Parameters(paramLabel = "IMAGE", description = "Image reference, e.g. quay.io/org/app:1.2")
  String image;

  @Mixin TorrentOptions options;

  @Mixin ExitCode.Help exitCodes;

  @Spec CommandSpec spec;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      description =
          "Where to write the ACI (default: NAME-TAG-OS-ARCH.aci in the current directory; in"
              + " a directory given here, that name inside it); replaced atomically.")
  Path output;

  @Option(
      names = "--seed-after",
      defaultValue = "0",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "Keep seeding the squashed layer this long after writing the ACI, e.g. 10m; 0 = not at"
              + " all (default: ${DEFAULT-VALUE}).")
  Duration seedAfter;

  @Override
  public Integer call() throws Exception {
    options.validate(System.getenv(), false);
    ImageReference reference = ImageReference.parse(image);
    String defaultName = AciImage.defaultFileName(reference, options.platform());
    // Like cp: an existing directory receives the file under its default name.
    Path file =
        output == null
            ? Path.of(defaultName)
            : Files.isDirectory(output) ? output.resolve(defaultName) : output;
    if (!file.getFileName().toString().endsWith(".aci")) {
      throw new ParameterException(
          spec.commandLine(), "--output must name a .aci file (appc), was \"" + file + "\"");
    }
    OutputFiles.check(spec.commandLine(), "--output", file);
    PrintStream out = System.out;
    long started = System.nanoTime();
    try (TorrentSetup setup = TorrentSetup.open(options, reference, null);
        ShutdownGuard guard =
            ShutdownGuard.install(
                setup,
                System.err,
                "interrupted: verified blobs and partial downloads are kept in "
                    + options.dataDir()
                    + "; run the same command to resume")) {
      ResolvedImage original = Transfers.resolve(setup, reference, options, out);
      ResolvedImage squashed = Transfers.squashed(setup, original, options, out);
      Transfers.fetchWithProgress(setup.distributor, squashed, options, out);
      AciImage.Written aci;
      try {
        Files.createDirectories(file.toAbsolutePath().getParent());
        aci = AciImage.write(squashed, setup.store, file);
      } catch (IOException e) {
        throw new OutputFiles.WriteException("--output", file, e);
      }
      out.println(
          "Wrote "
              + aci.file()
              + " ("
              + aci.name()
              + ", image "
              + aci.imageId().substring(0, "sha512-".length() + 32)
              + ", "
              + ProgressDisplay.bytes(aci.bytes())
              + ")");
      out.println("Import it into rkt with: rkt fetch --insecure-options=image " + aci.file());
      double seconds = (System.nanoTime() - started) / 1e9;
      out.println(String.format(Locale.ROOT, "Pulled %s in %.1f s", reference, seconds));
      Transfers.seedAfterPull(setup, guard, squashed, seedAfter, options, out);
    }
    return 0;
  }
}
