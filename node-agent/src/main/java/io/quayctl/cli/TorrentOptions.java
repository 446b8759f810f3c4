package io.quayctl.cli;

import io.quayctl.registry.CredentialProvider;
import io.quayctl.registry.DockerCredentials;
import io.quayctl.registry.Platform;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Flags shared by {@code torrent pull} and {@code torrent seed}, named as in the original quayctl.
 */
public final class TorrentOptions {
  private static final Set<String> TRACKER_SCHEMES = Set.of("http", "https", "udp");

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @Option(
      names = "--tracker",
      paramLabel = "URL",
      description =
          "Announce URL, e.g. http://HOST:PORT/announce, of a tracker (repeatable). There is"
              + " no default: without a tracker (or --peer) pull fetches every byte from the"
              + " registry, and seed needs one or --serve-tracker.")
  List<String> trackerUrls = new ArrayList<>();

  /** The {@code --tracker} URLs, set by {@link #validate}. */
  List<URI> trackers = List.of();

  @Option(
      names = "--index",
      paramLabel = "URL",
      description =
          "Metainfo index URL, http://HOST:PORT/ (a trailing /index is accepted too). Default:"
              + " the first --tracker's http://HOST:PORT/, where quayctl's own tracker serves it.")
  String indexUrl;

  /** The {@code --index} base URL, set by {@link #validate}; null without {@code --index}. */
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
      paramLabel = "PORT",
      description = "Lowest port to listen on for peers (default: ${DEFAULT-VALUE}).")
  int lowerPort;

  @Option(
      names = "--upper-port",
      defaultValue = "6889",
      paramLabel = "PORT",
      description = "Highest port to listen on for peers (default: ${DEFAULT-VALUE}).")
  int upperPort;

  @Option(
      names = "--connections-per-second",
      defaultValue = "200",
      paramLabel = "N",
      description = "New peer connections per second (default: ${DEFAULT-VALUE}).")
  int connectionsPerSecond;

  @Option(
      names = "--download-rate",
      defaultValue = "0",
      paramLabel = "KIB/S",
      description =
          "Download limit in KiB/s for all downloads together (peers, web seed and direct"
              + " registry fetches), 0 = unlimited (default: ${DEFAULT-VALUE}).")
  int downloadRate;

  @Option(
      names = "--upload-rate",
      defaultValue = "0",
      paramLabel = "KIB/S",
      description = "Upload limit to peers in KiB/s, 0 = unlimited (default: ${DEFAULT-VALUE}).")
  int uploadRate;

  @Option(
      names = "--encryption-mode",
      defaultValue = "1",
      paramLabel = "MODE",
      description =
          "Peer connection encryption: 0 forced, 1 enabled (preferred), 2 disabled "
              + "(default: ${DEFAULT-VALUE}).")
  int encryptionMode;

  @Option(
      names = "--local-ip",
      paramLabel = "IP",
      description = "Address to listen on and announce (default: all interfaces).")
  String localIp;

  @Option(
      names = "--insecure",
      description =
          "Talk plain HTTP to the registry. Loopback registries (localhost, 127.0.0.0/8, [::1])"
              + " always get plain HTTP, without this flag.")
  boolean insecure;

  @Option(
      names = "--platform",
      paramLabel = "OS/ARCH[/VARIANT]",
      description = "Platform to pull from a multi-platform image (default: this machine's).")
  String platform;

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
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "Give up when the index does not answer, or does not know the image or a blob, for"
              + " this long, or when a download receives no byte from any peer or web seed for"
              + " this long, e.g. 90s (default: ${DEFAULT-VALUE}).")
  java.time.Duration peerTimeout;

  @Option(
      names = "--debug",
      description =
          "Log quayctl's own steps at DEBUG level (registry, index, torrent engine) instead of"
              + " progress bars, and print stack traces of errors.")
  boolean debug;

  /** The Docker CLI's credentials, read by {@link #validate} unless {@code --skip-web-seed}. */
  CredentialProvider credentials;

  /**
   * Checks every flag value before anything touches the network; normalises {@code --index}. Throws
   * a {@link ParameterException} that names the flag and the value. Also reads the Docker CLI's
   * config, the user's own input too: a malformed one is an {@link IllegalArgumentException} naming
   * the file. {@code servesTracker}: this process runs a tracker and index too ({@code seed
   * --serve-tracker}).
   */
  void validate(Map<String, String> env, boolean servesTracker) {
    try {
      trackers = announceUrls(trackerUrls, "--tracker");
      index = indexUrl == null ? null : indexBase(indexUrl, "--index");
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    for (String peer : peers) {
      checkHostPort(peer, "--peer");
    }
    // The manifest and metainfo come from the index, the bytes from peers that a tracker names or
    // --peer gives; the index defaults to the first --tracker's host.
    boolean hasIndex = index != null || !trackers.isEmpty() || servesTracker;
    boolean hasPeers = !trackers.isEmpty() || !peers.isEmpty() || servesTracker;
    if (skipWebSeed && !(hasIndex && hasPeers)) {
      throw usage(
          "--skip-web-seed needs an index for the manifest and peers for the bytes: give --tracker"
              + " URL of a quayctl tracker (it serves the index too), or --index URL with --tracker"
              + " URL or --peer HOST:PORT");
    }
    if (lowerPort < 1024 || upperPort < lowerPort || upperPort > 65535) {
      throw usage(
          "--lower-port/--upper-port must be a range within 1024-65535, was "
              + lowerPort
              + "-"
              + upperPort);
    }
    nonNegative(connectionsPerSecond, "--connections-per-second");
    if (connectionsPerSecond == 0) {
      throw usage("--connections-per-second must be at least 1, was 0");
    }
    nonNegative(downloadRate, "--download-rate");
    nonNegative(uploadRate, "--upload-rate");
    if (encryptionMode < 0 || encryptionMode > 2) {
      throw usage(
          "--encryption-mode must be 0 (forced), 1 (enabled) or 2 (disabled), was "
              + encryptionMode);
    }
    if (localIp != null && !isIpLiteral(localIp)) {
      throw usage("--local-ip must be an IP address, was \"" + localIp + "\"");
    }
    if (platform != null) {
      try {
        Platform.parse(platform);
      } catch (IllegalArgumentException e) {
        throw usage("--platform: " + e.getMessage());
      }
    }
    if (!skipWebSeed) {
      credentials = readCredentials(env);
    }
  }

  private CredentialProvider readCredentials(Map<String, String> env) {
    Map<String, String> withConfig = new HashMap<>(env);
    if (dockerConfig != null) {
      withConfig.put("DOCKER_CONFIG", dockerConfig.toString());
    }
    try {
      return DockerCredentials.fromEnvironment(
          withConfig, Path.of(System.getProperty("user.home")));
    } catch (IOException e) {
      throw new IllegalArgumentException(
          e.getMessage() + "; fix it, or give --docker-config DIR to read another", e);
    }
  }

  /**
   * The announce URLs given to {@code flag} ({@code --tracker}, also the agent's): http, https or
   * udp, with a host. Anything else, text that is no URI at all included, is an {@link
   * IllegalArgumentException} naming the flag and the value.
   */
  static List<URI> announceUrls(List<String> given, String flag) {
    List<URI> urls = new ArrayList<>();
    for (String text : given) {
      URI url = uri(text);
      if (url == null
          || url.getScheme() == null
          || !TRACKER_SCHEMES.contains(url.getScheme().toLowerCase(Locale.ROOT))
          || url.getHost() == null) {
        throw new IllegalArgumentException(
            flag
                + " must be an announce URL such as http://HOST:PORT/announce, was \""
                + text
                + "\"");
      }
      urls.add(url);
    }
    return List.copyOf(urls);
  }

  /**
   * The index's base URL from {@code flag} ({@code --index}, the agent's {@code --index-url}):
   * {@code http://HOST:PORT/}, also when given with the {@code /index} or {@code /index/} that the
   * index's own paths start with. Anything but an http(s) URL with a host is an {@link
   * IllegalArgumentException} naming the flag.
   */
  static URI indexBase(String text, String flag) {
    URI given = uri(text);
    String scheme =
        given == null || given.getScheme() == null
            ? ""
            : given.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || given.getHost() == null) {
      throw new IllegalArgumentException(
          flag + " must be a URL such as http://HOST:PORT/, was \"" + text + "\"");
    }
    String path = given.getPath() == null ? "" : given.getPath();
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    if (path.endsWith("/index")) {
      path = path.substring(0, path.length() - "/index".length());
    }
    return URI.create(scheme + "://" + given.getRawAuthority() + path + "/");
  }

  /** {@code text} as a URI, or null when it is none ({@code 127.0.0.1:6969}, a space). */
  private static URI uri(String text) {
    try {
      return new URI(text);
    } catch (URISyntaxException e) {
      return null;
    }
  }

  private void checkHostPort(String text, String flag) {
    int colon = text.lastIndexOf(':');
    int port = -1;
    if (colon > 0) {
      try {
        port = Integer.parseInt(text.substring(colon + 1));
      } catch (NumberFormatException e) {
        port = -1;
      }
    }
    if (port < 1 || port > 65535) {
      throw usage(flag + " must be HOST:PORT, was \"" + text + "\"");
    }
  }

  private void nonNegative(int value, String flag) {
    if (value < 0) {
      throw usage(flag + " must not be negative, was " + value);
    }
  }

  /** An IPv4 or IPv6 literal, checked without a name lookup. */
  private static boolean isIpLiteral(String text) {
    if (text.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
      for (String part : text.split("\\.")) {
        if (Integer.parseInt(part) > 255) {
          return false;
        }
      }
      return true;
    }
    return text.contains(":") && text.matches("[0-9A-Fa-f:.]+");
  }

  private ParameterException usage(String message) {
    return new ParameterException(command.commandLine(), message);
  }

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
