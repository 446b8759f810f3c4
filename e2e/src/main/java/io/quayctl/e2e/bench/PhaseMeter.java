package io.quayctl.e2e.bench;

import io.quayctl.e2e.Cluster;
import io.quayctl.e2e.HostNet;
import io.quayctl.e2e.NodeHost;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The readings taken around one mode: the registry link, the machine's CPU and disks, and every
 * node's link, agent and containerd; {@link #finish} turns them into the mode's numbers.
 */
final class PhaseMeter {
  private static final Pattern ACCESS =
      Pattern.compile("^(\\S+) \\S+ \\S+ \\[[^]]+] \"GET (\\S+) [^\"]*\" (200|206) (\\d+) .*$");

  /** A node's readings at the start. */
  record NodeStart(
      NodeHost node,
      HostNet.Counters link,
      Optional<Probes.Proc> agent,
      Map<Long, Probes.ThreadCpu> agentThreads,
      Optional<Probes.Proc> containerd) {}

  private final Cluster cluster;
  private final Map<String, NodeStart> nodes = new HashMap<>();
  private final HostNet.Counters registry;
  private final Probes.MachineCpu cpu;
  private final Probes.Disk disk;
  private final double load;
  private final Map<Long, Double> clusterCpu;
  private final double benchCpu;
  private final long startNanos;
  private final Sampler sampler;

  private PhaseMeter(Cluster cluster) throws IOException {
    this.cluster = cluster;
    for (NodeHost node : cluster.nodes()) {
      Optional<Probes.Proc> agent = Probes.pidIn(node.host(), "java").flatMap(Probes::proc);
      nodes.put(
          node.name(),
          new NodeStart(
              node,
              HostNet.counters(node.host()),
              agent,
              agent.map(a -> Probes.threads(a.pid())).orElse(Map.of()),
              Probes.pidIn(node.host(), "containerd").flatMap(Probes::proc)));
    }
    this.registry = HostNet.counters(cluster.registry().host());
    this.cpu = Probes.machineCpu();
    this.disk = Probes.disk();
    this.load = Probes.loadAverage();
    this.clusterCpu = Probes.cpuByPid(hosts(cluster));
    this.benchCpu =
        Probes.proc(ProcessHandle.current().pid()).map(Probes.Proc::cpuSeconds).orElse(0.0);
    this.startNanos = System.nanoTime();
    this.sampler = Sampler.start(cluster.registry().host(), startNanos);
  }

  private static List<io.quayctl.testing.TestNetwork.Host> hosts(Cluster cluster) {
    List<io.quayctl.testing.TestNetwork.Host> hosts = new java.util.ArrayList<>();
    hosts.add(cluster.control().host());
    hosts.add(cluster.registry().host());
    cluster.nodes().forEach(n -> hosts.add(n.host()));
    return hosts;
  }

  /** Takes the starting readings; the mode's clock starts now. */
  static PhaseMeter start(Cluster cluster) throws IOException {
    return new PhaseMeter(cluster);
  }

  /** The nanoTime the mode started at. */
  long startNanos() {
    return startNanos;
  }

  /** What one node's link, agent and containerd did since the start. */
  record NodeDelta(
      HostNet.Counters link,
      Optional<Probes.Proc> agent,
      Map<String, Double> agentThreads,
      Optional<Probes.Proc> containerd) {}

  /** Readings of one node since the start. */
  NodeDelta node(NodeHost node) throws IOException {
    NodeStart s = nodes.get(node.name());
    HostNet.Counters link = HostNet.counters(node.host()).since(s.link());
    Optional<Probes.Proc> agent =
        s.agent().flatMap(a -> Probes.proc(a.pid()).map(now -> now.since(a)));
    Optional<Probes.Proc> containerd =
        s.containerd().flatMap(a -> Probes.proc(a.pid()).map(now -> now.since(a)));
    Map<String, Double> threads =
        agent
            .map(a -> Probes.threadDelta(s.agentThreads(), Probes.threads(a.pid()), a.cpuSeconds()))
            .orElse(Map.of());
    return new NodeDelta(link, agent, threads, containerd);
  }

  /** Registry blob bytes served per client address for {@code digests}, from its access log. */
  Map<String, Long> registryBytesByClient(Set<String> digests) throws IOException {
    Map<String, Long> out = new HashMap<>();
    Path log = cluster.runDir().resolve("registry/access.log");
    if (!Files.exists(log)) {
      return out;
    }
    for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
      Matcher m = ACCESS.matcher(line);
      if (m.matches()) {
        String path = m.group(2).split("\\?", 2)[0];
        String digest = path.substring(path.lastIndexOf('/') + 1);
        if (path.contains("/blobs/") && digests.contains(digest)) {
          out.merge(m.group(1), Long.parseLong(m.group(4)), Long::sum);
        }
      }
    }
    return out;
  }

  /** Ends the mode: the registry, machine and disk numbers with the given per-host results. */
  PhaseResult finish(
      BenchOptions.Mode mode,
      int layers,
      long imageBytes,
      double floor,
      double allSeconds,
      double bastionSeconds,
      List<HostResult> hosts,
      long registryHttpBytes,
      double exitedClientCpu,
      boolean ok,
      String error)
      throws IOException {
    sampler.close();
    double clusterSum = exitedClientCpu;
    for (Map.Entry<Long, Double> e : Probes.cpuByPid(hosts(cluster)).entrySet()) {
      clusterSum += e.getValue() - clusterCpu.getOrDefault(e.getKey(), 0.0);
    }
    double bench =
        Probes.proc(ProcessHandle.current().pid()).map(Probes.Proc::cpuSeconds).orElse(0.0)
            - benchCpu;
    HostNet.Counters reg = HostNet.counters(cluster.registry().host()).since(registry);
    return new PhaseResult(
        mode.label(),
        cluster.workers().size(),
        layers,
        imageBytes,
        floor,
        allSeconds,
        bastionSeconds,
        hosts,
        reg.txBytes(),
        reg.txPackets(),
        registryHttpBytes,
        Probes.machineCpu().since(cpu),
        clusterSum,
        bench,
        Probes.disk().since(disk).writtenBytes(),
        load,
        Probes.loadAverage(),
        sampler.samples(),
        ok,
        error);
  }
}
