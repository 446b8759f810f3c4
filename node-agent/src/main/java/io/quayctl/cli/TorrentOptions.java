package io.quayctl.cli;

import io.quayctl.registry.Platform;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Flags shared by {@code torrent pull} and {@code torrent seed}, named as in the original quayctl.
 */
public final class TorrentOptions {

  @Option(
      names = "--tracker",
      paramLabel = "URL",
      description =
          "Tracker announce URL (repeatable). Replaces the default (the index's own tracker).")
  List<URI> trackers = new ArrayList<>();

  @Option(
      names = "--index",
      paramLabel = "URL",
      description =
          "Metainfo index base URL. Default: derived from the first --tracker "
              + "(http://HOST:PORT/index), which works with quayctl's own tracker.")
  URI index;

  @Option(
      names = "--peer",
      paramLabel = "HOST:PORT",
      description = "Connect to this peer directly (repeatable), in addition to tracker peers.")
  List<String> peers = new ArrayList<>();

  @Option(
      names = "--skip-web-seed",
      description =
          "Never contact the registry or its storage: the manifest comes from the index and "
              + "every byte from peers.")
  boolean skipWebSeed;

  @Option(
      names = "--lower-port",
      defaultValue = "6881",
      description = "Lowest port to listen on for peers (default: ${DEFAULT-VALUE}).")
  int lowerPort;

  @Option(
      names = "--upper-port",
      defaultValue = "6889",
      description = "Highest port to listen on for peers (default: ${DEFAULT-VALUE}).")
  int upperPort;

  @Option(
      names = "--connections-per-second",
      defaultValue = "200",
      description = "New peer connections per second (default: ${DEFAULT-VALUE}).")
  int connectionsPerSecond;

  @Option(
      names = "--download-rate",
      defaultValue = "0",
      paramLabel = "KB/S",
      description = "Download limit in kB/s, 0 = unlimited (default: ${DEFAULT-VALUE}).")
  int downloadRate;

  @Option(
      names = "--upload-rate",
      defaultValue = "0",
      paramLabel = "KB/S",
      description = "Upload limit in kB/s, 0 = unlimited (default: ${DEFAULT-VALUE}).")
  int uploadRate;

  @Option(
      names = "--encryption-mode",
      defaultValue = "1",
      description =
          "Peer connection encryption: 0 forced, 1 enabled (preferred), 2 disabled "
              + "(default: ${DEFAULT-VALUE}).")
  int encryptionMode;

  @Option(
      names = "--local-ip",
      paramLabel = "IP",
      description = "Address to listen on and announce (default: all interfaces).")
  String localIp;

  @Option(names = "--insecure", description = "Talk plain HTTP to the registry.")
  boolean insecure;

  @Option(
      names = "--platform",
      paramLabel = "OS/ARCH[/VARIANT]",
      description = "Platform to pull from a multi-platform image (default: this machine's).")
  String platform;

  @Option(
      names = "--runtime",
      defaultValue = "auto",
      description = "Container runtime: auto, docker or containerd (default: ${DEFAULT-VALUE}).")
  String runtime;

  @Option(
      names = "--containerd-address",
      defaultValue = "/run/containerd/containerd.sock",
      description = "containerd socket (default: ${DEFAULT-VALUE}).")
  Path containerdAddress;

  @Option(
      names = "--containerd-namespace",
      defaultValue = "k8s.io",
      description = "containerd namespace, k8s.io for kubelet (default: ${DEFAULT-VALUE}).")
  String containerdNamespace;

  @Option(
      names = "--docker-host",
      paramLabel = "URL",
      description =
          "Docker engine address (default: $DOCKER_HOST, else unix:///var/run/docker.sock).")
  String dockerHost;

  @Option(
      names = "--docker-config",
      paramLabel = "DIR",
      description =
          "Docker CLI configuration directory holding config.json with registry credentials"
              + " (default: $DOCKER_CONFIG, else ~/.docker).")
  Path dockerConfig;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "Blob store and torrent state (default: /var/lib/quayctl as root, "
              + "else ~/.local/share/quayctl).")
  Path dataDir;

  @Option(
      names = "--peer-timeout",
      defaultValue = "2m",
      converter = DurationConverter.class,
      description =
          "Give up when no byte arrives from any peer or web seed for this long "
              + "(default: ${DEFAULT-VALUE}).")
  java.time.Duration peerTimeout;

  @Option(names = "--debug", description = "Log every BitTorrent event instead of progress bars.")
  boolean debug;

  /** The platform to select, this machine's unless {@code --platform} was given. */
  Platform platform() {
    return platform == null ? Platform.current() : Platform.parse(platform);
  }

  /** The data directory, defaulting by user. */
  Path dataDir() {
    if (dataDir != null) {
      return dataDir;
    }
    boolean root = "root".equals(System.getProperty("user.name"));
    return root
        ? Path.of("/var/lib/quayctl")
        : Path.of(System.getProperty("user.home"), ".local", "share", "quayctl");
  }
}
