package io.quayctl.torrent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link LibtorrentEngine}, with defaults for a private cluster swarm.
 *
 * @param listenAddress the address to listen on ({@code 0.0.0.0}: every IPv4 interface)
 * @param listenPort the first port tried ({@code 0}: an ephemeral port)
 * @param listenPortRetries how many following ports are tried when it is taken (6881–6889 by
 *     default)
 * @param downloadRateLimitKiB session download limit in KiB/s ({@code 0}: none); applies to peers
 *     on local networks and loopback too
 * @param uploadRateLimitKiB session upload limit in KiB/s ({@code 0}: none), likewise
 * @param connectionsPerSecond new outgoing connection attempts per second
 * @param encryption peer protocol encryption: 0 forced, 1 enabled (preferred, not required), 2
 *     disabled (the original quayctl's values)
 * @param resumeDir where fast-resume data of unfinished downloads is kept
 * @param tick how often transfers are polled (stats, timeouts, resume data)
 */
public record EngineConfig(
    String listenAddress,
    int listenPort,
    int listenPortRetries,
    int downloadRateLimitKiB,
    int uploadRateLimitKiB,
    int connectionsPerSecond,
    int encryption,
    Path resumeDir,
    Duration tick) {

  public EngineConfig {
    Objects.requireNonNull(listenAddress, "listenAddress");
    Objects.requireNonNull(resumeDir, "resumeDir");
    Objects.requireNonNull(tick, "tick");
    if (listenPort < 0 || listenPort > 65535 || listenPortRetries < 0) {
      throw new IllegalArgumentException("invalid listen port " + listenPort);
    }
    if (listenPort != 0 && listenPort < 1024) {
      throw new IllegalArgumentException(
          "listen port " + listenPort + " is below 1024: libtorrent4j refuses peers there");
    }
    if (downloadRateLimitKiB < 0 || uploadRateLimitKiB < 0 || connectionsPerSecond < 1) {
      throw new IllegalArgumentException("rate limits must be >= 0, connections/s >= 1");
    }
    if (encryption < 0 || encryption > 2) {
      throw new IllegalArgumentException(
          "encryption must be 0 (forced), 1 (enabled) or 2 (disabled), was " + encryption);
    }
  }

  /** Defaults: all interfaces, ports 6881–6889, no rate limits, encryption enabled. */
  public static EngineConfig defaults(Path resumeDir) {
    return new EngineConfig("0.0.0.0", 6881, 8, 0, 0, 20, 1, resumeDir, Duration.ofMillis(500));
  }

  /** Loopback on an ephemeral port: for tests and single-host use. */
  public static EngineConfig loopback(Path resumeDir) {
    return defaults(resumeDir).withListen("127.0.0.1", 0);
  }

  /** This config listening elsewhere. */
  public EngineConfig withListen(String address, int port) {
    return new EngineConfig(
        address,
        port,
        listenPortRetries,
        downloadRateLimitKiB,
        uploadRateLimitKiB,
        connectionsPerSecond,
        encryption,
        resumeDir,
        tick);
  }

  /** This config with session rate limits in KiB/s ({@code 0}: none). */
  public EngineConfig withRateLimits(int downloadKiB, int uploadKiB) {
    return new EngineConfig(
        listenAddress,
        listenPort,
        listenPortRetries,
        downloadKiB,
        uploadKiB,
        connectionsPerSecond,
        encryption,
        resumeDir,
        tick);
  }

  /** This config with another encryption mode (0 forced, 1 enabled, 2 disabled). */
  public EngineConfig withEncryption(int mode) {
    return new EngineConfig(
        listenAddress,
        listenPort,
        listenPortRetries,
        downloadRateLimitKiB,
        uploadRateLimitKiB,
        connectionsPerSecond,
        mode,
        resumeDir,
        tick);
  }
}
