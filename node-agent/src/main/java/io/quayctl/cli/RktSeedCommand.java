package io.quayctl.cli;

import picocli.CommandLine.Command;

/**
 * {@code quayctl rkt torrent seed IMAGE}: seeds the squashed form of an image, which is what {@code
 * rkt torrent pull} downloads (the same as {@code docker torrent seed --squashed}).
 */
@Command(
    name = "seed",
    description =
        "Seed an image squashed into one layer, for 'rkt torrent pull' (and 'docker torrent pull"
            + " --squashed'): squash it here from its layers if this host reads the registry,"
            + " publish it to the index, and seed until interrupted or for --duration.",
    mixinStandardHelpOptions = true,
    abbreviateSynopsis = true)
final class RktSeedCommand extends SeedCommand {
  @Override
  boolean squashed() {
    return true;
  }
}
