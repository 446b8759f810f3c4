package io.quayctl.e2e.bench;

import io.quayctl.e2e.Cluster;
import io.quayctl.e2e.HostNet;
import io.quayctl.e2e.NodeHost;
import io.quayctl.e2e.RegistryHost;
import io.quayctl.testing.HostCommand;
import io.quayctl.testing.TestNetwork;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The benchmark's changes to the cluster's network: the token bucket on the registry's link (and
 * optionally on every node's), and, for the direct pulls only, a route from every worker to the
 * registry through the bastion, so that both modes drain the same shaped link.
 */
public final class BenchNetwork {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final Cluster cluster;
  private boolean routed;

  public BenchNetwork(Cluster cluster) {
    this.cluster = cluster;
  }

  /**
   * Shapes what {@code host} sends on {@code eth0} with a token bucket at {@code rate}; the bucket
   * holds 10 ms of traffic (at least 64 KiB) so that the rate, not the timer, is the limit.
   */
  public static void shape(TestNetwork.Host host, Rate rate) throws IOException {
    long burst = Math.max(64 * 1024, (long) (rate.bytesPerSecond() / 100));
    HostNet.shapeEgress(host, rate.tc(), Long.toString(burst), "100ms");
  }

  /** {@code tc qdisc show dev eth0} in {@code host}, for the record. */
  public static String qdisc(TestNetwork.Host host) throws IOException {
    return HostCommand.run(
            TIMEOUT, List.of("tc", "-n", host.namespace(), "qdisc", "show", "dev", "eth0"))
        .orThrow()
        .strip();
  }

  /**
   * Gives every worker a route to the registry through the bastion (which then forwards), and the
   * registry a route back.
   */
  public synchronized void routeWorkersToRegistry() throws IOException {
    TestNetwork.Host registry = cluster.registry().host();
    NodeHost bastion = cluster.bastion();
    HostCommand.run(
            TIMEOUT, bastion.host().command(List.of("sysctl", "-q", "-w", "net.ipv4.ip_forward=1")))
        .orThrow();
    ip(registry, "route", "replace", "default", "via", gateway(registry));
    for (NodeHost worker : cluster.workers()) {
      ip(worker.host(), "route", "replace", subnet(registry), "via", bastion.host().address());
    }
    routed = true;
    for (NodeHost worker : cluster.workers()) {
      if (!TestNetwork.canConnect(worker.host(), registry.address(), RegistryHost.PORT)) {
        throw new IOException(worker.name() + " cannot reach the registry through the bastion");
      }
    }
  }

  /** Takes the routes away again and checks that no worker reaches the registry. */
  public synchronized void isolateWorkers() throws IOException {
    TestNetwork.Host registry = cluster.registry().host();
    if (routed) {
      for (NodeHost worker : cluster.workers()) {
        ip(worker.host(), "route", "del", subnet(registry));
      }
      ip(registry, "route", "del", "default");
      HostCommand.run(
              TIMEOUT,
              cluster
                  .bastion()
                  .host()
                  .command(List.of("sysctl", "-q", "-w", "net.ipv4.ip_forward=0")))
          .orThrow();
      routed = false;
    }
    List<String> leaking = new ArrayList<>();
    for (NodeHost worker : cluster.workers()) {
      if (TestNetwork.canConnect(worker.host(), registry.address(), RegistryHost.PORT)) {
        leaking.add(worker.name());
      }
    }
    if (!leaking.isEmpty()) {
      throw new IOException("workers still reach the registry: " + leaking);
    }
  }

  /** The point-to-point link's other end (the bastion's address on it). */
  private static String gateway(TestNetwork.Host registry) {
    String a = registry.address();
    return a.substring(0, a.lastIndexOf('.') + 1) + (Integer.parseInt(lastOctet(a)) - 1);
  }

  private static String subnet(TestNetwork.Host registry) {
    String a = registry.address();
    int last = Integer.parseInt(lastOctet(a));
    return a.substring(0, a.lastIndexOf('.') + 1) + (last & ~3) + "/30";
  }

  private static String lastOctet(String address) {
    return address.substring(address.lastIndexOf('.') + 1);
  }

  private static void ip(TestNetwork.Host host, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("ip", "-n", host.namespace()));
    command.addAll(List.of(args));
    HostCommand.run(TIMEOUT, command).orThrow();
  }
}
