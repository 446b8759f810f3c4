package io.quayctl.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Several hosts on one machine: one network namespace per host, joined by veth pairs to a bridge
 * that lives in a namespace of its own (so nothing is added to the machine's own network), plus
 * optional point-to-point links that only two hosts share. Needs root and iproute2.
 */
public final class TestNetwork implements AutoCloseable {
  private static final String SUBNET = "10.213.0.";

  private final String id;
  private final String switchNs;
  private final List<Host> hosts = new ArrayList<>();
  private final List<String> namespaces = new ArrayList<>();
  private int nextLink = 0;

  private TestNetwork(String id) {
    this.id = id;
    this.switchNs = "q" + id + "-sw";
  }

  /** A host: a network namespace with one address on the shared bridge. */
  public final class Host {
    private final String name;
    private final String namespace;
    private final String address;

    private Host(String name, String namespace, String address) {
      this.name = name;
      this.namespace = namespace;
      this.address = address;
    }

    /** The host's short name. */
    public String name() {
      return name;
    }

    /** The network namespace's name (for {@code ip netns exec}). */
    public String namespace() {
      return namespace;
    }

    /** The host's address on the shared bridge. */
    public String address() {
      return address;
    }

    /** A command prefixed to run inside this host's network namespace only (not its mounts). */
    public List<String> command(List<String> command) {
      List<String> full = new ArrayList<>();
      full.add("nsenter");
      full.add("--net=/var/run/netns/" + namespace);
      full.addAll(command);
      return full;
    }

    /** A process builder for a command run inside this host. */
    public ProcessBuilder process(List<String> command) {
      return new ProcessBuilder(command(command));
    }

    @Override
    public String toString() {
      return name + "(" + address + ")";
    }
  }

  /** Creates an empty network with a unique id. */
  public static TestNetwork create() throws IOException {
    requireRoot();
    String id = Integer.toString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff), 36);
    TestNetwork net = new TestNetwork(id);
    try {
      net.ip("netns", "add", net.switchNs);
      net.namespaces.add(net.switchNs);
      net.ipIn(net.switchNs, "link", "add", "br0", "type", "bridge");
      net.ipIn(net.switchNs, "link", "set", "br0", "up");
      net.ipIn(net.switchNs, "link", "set", "lo", "up");
    } catch (IOException | RuntimeException e) {
      net.close();
      throw e;
    }
    return net;
  }

  /** Adds a host on the bridge with the next free address. */
  public Host addHost(String name) throws IOException {
    String ns = "q" + id + "-" + name;
    String address = SUBNET + (hosts.size() + 2);
    ip("netns", "add", ns);
    namespaces.add(ns);
    ipIn(ns, "link", "set", "lo", "up");
    String inner = "eth0";
    String outer = "v" + hosts.size();
    ipIn(ns, "link", "add", inner, "type", "veth", "peer", "name", outer, "netns", switchNs);
    ipIn(switchNs, "link", "set", outer, "master", "br0");
    ipIn(switchNs, "link", "set", outer, "up");
    ipIn(ns, "addr", "add", address + "/24", "dev", inner);
    ipIn(ns, "link", "set", inner, "up");
    Host host = new Host(name, ns, address);
    hosts.add(host);
    return host;
  }

  /**
   * Adds a host reachable only over a private point-to-point link from {@code gateway}: no other
   * host has a route to it. Returns the new host; its {@link Host#address()} is its link address.
   */
  public Host addHostBehind(Host gateway, String name) throws IOException {
    String ns = "q" + id + "-" + name;
    ip("netns", "add", ns);
    namespaces.add(ns);
    ipIn(ns, "link", "set", "lo", "up");
    int link = nextLink++;
    String base = "10.214." + link + ".";
    String inner = "eth0";
    String outer = "p" + link;
    ipIn(
        ns,
        "link",
        "add",
        inner,
        "type",
        "veth",
        "peer",
        "name",
        outer,
        "netns",
        gateway.namespace);
    ipIn(ns, "addr", "add", base + "2/30", "dev", inner);
    ipIn(ns, "link", "set", inner, "up");
    ipIn(gateway.namespace, "addr", "add", base + "1/30", "dev", outer);
    ipIn(gateway.namespace, "link", "set", outer, "up");
    Host host = new Host(name, ns, base + "2");
    hosts.add(host);
    return host;
  }

  /** Whether {@code from} can open a TCP connection to {@code address:port} within a second. */
  public static boolean canConnect(Host from, String address, int port) throws IOException {
    Process p =
        from.process(
                List.of(
                    "bash", "-c", "exec 3<>/dev/tcp/" + address + "/" + port + " && echo ok", "--"))
            .redirectErrorStream(true)
            .start();
    try {
      if (!p.waitFor(3, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      return p.exitValue() == 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public void close() {
    for (int i = namespaces.size() - 1; i >= 0; i--) {
      String ns = namespaces.get(i);
      killAll(ns);
      try {
        ip("netns", "del", ns);
      } catch (IOException | RuntimeException e) {
        System.err.println("TestNetwork: could not delete namespace " + ns + ": " + e.getMessage());
      }
    }
    namespaces.clear();
  }

  private static void killAll(String ns) {
    try {
      Process p = new ProcessBuilder("ip", "netns", "pids", ns).start();
      String pids = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      p.waitFor(5, TimeUnit.SECONDS);
      if (!pids.isEmpty()) {
        List<String> kill = new ArrayList<>(List.of("kill", "-9"));
        kill.addAll(List.of(pids.split("\\s+")));
        new ProcessBuilder(kill).start().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (IOException e) {
      System.err.println("TestNetwork: could not list processes in " + ns + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void ipIn(String ns, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("ip", "-n", ns));
    cmd.addAll(List.of(args));
    run(cmd);
  }

  private void ip(String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("ip"));
    cmd.addAll(List.of(args));
    run(cmd);
  }

  private static void run(List<String> cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException(String.join(" ", cmd) + " failed: " + output.strip());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + String.join(" ", cmd), e);
    }
  }

  private static void requireRoot() throws IOException {
    if (!"root".equals(System.getProperty("user.name"))) {
      throw new IOException(
          "multi-host tests create network namespaces and need root (run as root, as CI does)");
    }
  }
}
