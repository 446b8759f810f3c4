package io.quayctl.cli;

import io.quayctl.tracker.TrackerServer;
import java.io.IOException;
import java.net.InetAddress;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code quayctl tracker --listen HOST:PORT}: a standalone tracker and metainfo index. */
@Command(
    name = "tracker",
    description =
        "Run a BitTorrent tracker (HTTP announce, compact peer lists) and the metainfo index"
            + " that hosts without registry access read manifests and .torrent files from.",
    mixinStandardHelpOptions = true)
final class TrackerCommand implements Callable<Integer> {

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      defaultValue = "0.0.0.0:6969",
      description = "Address to listen on (default: ${DEFAULT-VALUE}).")
  String listen;

  @Override
  public Integer call() throws Exception {
    try (TrackerServer tracker = start(listen)) {
      System.out.println("Tracker listening: announce " + tracker.announceUrl());
      System.out.println("Index: " + tracker.baseUri() + "index/");
      Thread.sleep(Long.MAX_VALUE);
    }
    return ExitCode.OK;
  }

  /** Starts a tracker on {@code HOST:PORT}. */
  static TrackerServer start(String listen) throws IOException {
    int colon = listen.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("--listen must be HOST:PORT, was \"" + listen + "\"");
    }
    String host = listen.substring(0, colon);
    int port;
    try {
      port = Integer.parseInt(listen.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--listen must be HOST:PORT, was \"" + listen + "\"");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is out of range");
    }
    TrackerServer tracker =
        TrackerServer.builder()
            .bindAddress(InetAddress.getByName(host.isEmpty() ? "0.0.0.0" : host))
            .port(port)
            .build();
    tracker.start();
    return tracker;
  }
}
