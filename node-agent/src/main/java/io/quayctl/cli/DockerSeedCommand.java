package io.quayctl.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code quayctl docker torrent seed IMAGE}: seeds an image's layers, or with {@code --squashed}
 * its squashed form.
 */
@Command(
    name = "seed",
    description =
        "Seed an image's blobs to peers: re-check local data, download what is missing, then"
            + " seed until interrupted or for --duration. Needs --tracker URL or --serve-tracker"
            + " HOST:PORT.",
    mixinStandardHelpOptions = true,
    abbreviateSynopsis = true)
final class DockerSeedCommand extends SeedCommand {

  @Option(
      names = "--squashed",
      description =
          "Seed the image squashed into one layer (for pulls with --squashed): squash it here"
              + " from its layers, publish it to the index and seed it.")
  boolean squashed;

  @Override
  boolean squashed() {
    return squashed;
  }
}
