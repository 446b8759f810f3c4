package io.quayctl.cli;

import io.quayctl.tracker.TrackerServer;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Locale;
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
    try (TrackerServer tracker = start(address(listen, "--listen"), "--listen")) {
      System.out.println("Tracker listening: announce " + tracker.announceUrl());
      System.out.println(
          "Index: " + tracker.baseUri() + " (found from --tracker; --index takes this URL too)");
      Thread.sleep(Long.MAX_VALUE);
    }
    return ExitCode.OK;
  }

  /**
   * Parses the {@code HOST:PORT} given to {@code flag} without a name lookup; an empty host means
   * every interface.
   */
  static InetSocketAddress address(String text, String flag) {
    int colon = text.lastIndexOf(':');
    int port = -1;
    if (colon >= 0) {
      try {
        port = Integer.parseInt(text.substring(colon + 1));
      } catch (NumberFormatException e) {
        port = -1;
      }
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(
          flag + " must be HOST:PORT with a port from 0 to 65535, was \"" + text + "\"");
    }
    String host = text.substring(0, colon);
    return InetSocketAddress.createUnresolved(host.isEmpty() ? "0.0.0.0" : host, port);
  }

  /** Starts a tracker on {@code address}, which came from {@code flag}. */
  static TrackerServer start(InetSocketAddress address, String flag) throws IOException {
    String where = "cannot listen on " + address.getHostString() + ":" + address.getPort();
    InetAddress bind;
    try {
      bind = InetAddress.getByName(address.getHostString());
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(where + " (" + flag + "): unknown host", e);
    }
    TrackerServer tracker =
        TrackerServer.builder().bindAddress(bind).port(address.getPort()).build();
    try {
      tracker.start();
    } catch (BindException e) {
      String why = e.getMessage() == null ? "cannot bind" : e.getMessage();
      throw new IOException(where + " (" + flag + "): " + why.toLowerCase(Locale.ROOT), e);
    }
    return tracker;
  }
}
