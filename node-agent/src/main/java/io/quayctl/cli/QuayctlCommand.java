package io.quayctl.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.ScopeType;

/**
 * The root of the command tree. Its {@code --help} and {@code --version} are inherited by every
 * subcommand, so that {@code -V} prints the version wherever it is accepted.
 */
@Command(
    name = "quayctl",
    description = "Peer-to-peer container image distribution over BitTorrent.",
    scope = ScopeType.INHERIT,
    mixinStandardHelpOptions = true,
    versionProvider = QuayctlCommand.Version.class,
    subcommands = {
      VersionCommand.class,
      QuayctlCommand.Docker.class,
      QuayctlCommand.Rkt.class,
      TrackerCommand.class,
      AgentCommand.class
    })
public final class QuayctlCommand {

  /** Supplies {@code --version}. */
  static final class Version implements picocli.CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"quayctl " + VersionCommand.version()};
    }
  }

  /** {@code quayctl docker}. */
  @Command(
      name = "docker",
      description = "Docker images.",
      mixinStandardHelpOptions = true,
      subcommands = Torrent.class)
  static final class Docker {}

  /** {@code quayctl docker torrent}. */
  @Command(
      name = "torrent",
      description = "Move images over BitTorrent.",
      mixinStandardHelpOptions = true,
      subcommands = {PullCommand.class, DockerSeedCommand.class})
  static final class Torrent {}

  /** {@code quayctl rkt}. */
  @Command(
      name = "rkt",
      description = "rkt: images as App Container Images (ACI), squashed.",
      mixinStandardHelpOptions = true,
      subcommands = RktTorrent.class)
  static final class Rkt {}

  /** {@code quayctl rkt torrent}. */
  @Command(
      name = "torrent",
      description = "Move images over BitTorrent, squashed, and write them as ACIs.",
      mixinStandardHelpOptions = true,
      subcommands = {RktPullCommand.class, RktSeedCommand.class})
  static final class RktTorrent {}
}
