package io.quayctl.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quayctl.testing.HostCommand;
import io.quayctl.testing.TestNetwork;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/** Network facts and probes of one host, taken from inside its namespace. */
public final class HostNet {
  private static final ObjectMapper JSON = new ObjectMapper();

  private HostNet() {}

  /** Bytes and packets received and sent on one interface since it was created. */
  public record Counters(long rxBytes, long txBytes, long rxPackets, long txPackets) {
    /** The difference to an earlier reading. */
    public Counters since(Counters earlier) {
      return new Counters(
          rxBytes - earlier.rxBytes,
          txBytes - earlier.txBytes,
          rxPackets - earlier.rxPackets,
          txPackets - earlier.txPackets);
    }
  }

  /** The counters of {@code eth0}, the host's link to the bridge ({@code ip -s -j link}). */
  public static Counters counters(TestNetwork.Host host) throws IOException {
    String out =
        HostCommand.run(
                Duration.ofSeconds(10),
                List.of("ip", "-n", host.namespace(), "-s", "-j", "link", "show", "eth0"))
            .orThrow();
    JsonNode stats = JSON.readTree(out).get(0).get("stats64");
    return new Counters(
        stats.get("rx").get("bytes").asLong(),
        stats.get("tx").get("bytes").asLong(),
        stats.get("rx").get("packets").asLong(),
        stats.get("tx").get("packets").asLong());
  }

  /**
   * The status line and body of {@code GET http://address:port/path} made from inside {@code host}
   * (bash's {@code /dev/tcp}; nothing else has to be installed), or empty when nothing listens.
   */
  public static String get(TestNetwork.Host host, String address, int port, String path)
      throws IOException {
    HostCommand.Result r =
        HostCommand.run(
            Duration.ofSeconds(10),
            host.command(
                List.of(
                    "bash",
                    "-c",
                    "exec 3<>/dev/tcp/$0/$1 || exit 1; printf 'GET %s HTTP/1.0\\r\\nHost: %s\\r\\n\\r\\n'"
                        + " \"$2\" \"$0\" >&3; timeout 5 cat <&3",
                    address,
                    Integer.toString(port),
                    path)));
    return r.exitCode() == 0 ? r.out() : "";
  }

  /** Whether anything answers {@code GET path} over HTTP from inside {@code host}. */
  public static boolean answers(TestNetwork.Host host, String address, int port, String path) {
    try {
      return get(host, address, port, path).startsWith("HTTP/");
    } catch (IOException e) {
      return false;
    }
  }

  /** Whether {@code GET path} answers 200 from inside {@code host}. */
  public static boolean ok(TestNetwork.Host host, String address, int port, String path) {
    try {
      String response = get(host, address, port, path);
      return response.startsWith("HTTP/1.1 200") || response.startsWith("HTTP/1.0 200");
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Shapes what {@code host} sends on its link (token bucket): {@code rate} as tc writes it, e.g.
   * {@code 40mbit}; null removes the shaping.
   */
  public static void shapeEgress(TestNetwork.Host host, String rate) throws IOException {
    if (rate == null) {
      HostCommand.run(
          Duration.ofSeconds(10),
          List.of("tc", "-n", host.namespace(), "qdisc", "del", "dev", "eth0", "root"));
      return;
    }
    shapeEgress(host, rate, "64kb", "200ms");
  }

  /**
   * Shapes what {@code host} sends on its link with a token bucket of {@code rate}, {@code burst}
   * and {@code latency}, each as tc writes it.
   */
  public static void shapeEgress(TestNetwork.Host host, String rate, String burst, String latency)
      throws IOException {
    HostCommand.run(
            Duration.ofSeconds(10),
            List.of(
                "tc",
                "-n",
                host.namespace(),
                "qdisc",
                "replace",
                "dev",
                "eth0",
                "root",
                "tbf",
                "rate",
                rate,
                "burst",
                burst,
                "latency",
                latency))
        .orThrow();
  }
}
