package io.quayctl.e2e.bench;

import io.quayctl.api.v1alpha1.ImagePull;
import io.quayctl.api.v1alpha1.ImagePullPhase;
import io.quayctl.api.v1alpha1.NodeImage;
import io.quayctl.api.v1alpha1.NodeImageEntryStatus;
import io.quayctl.api.v1alpha1.NodeImagePhase;
import io.quayctl.e2e.Cluster;
import io.quayctl.e2e.NodeHost;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The system under test: one ImagePull for every node; the operator resolves it through the
 * bastion, writes each node's NodeImage, the bastion reads the registry and seeds, the workers
 * (without a route to the registry) fetch from peers and import into their containerd. A node's
 * time is the instant its agent moved the entry to Seeding (the agent stamps {@code lastUpdate}
 * when its report changes), measured from the moment the ImagePull was created.
 */
final class SwarmPulls {
  private static final Duration POLL = Duration.ofMillis(200);

  private SwarmPulls() {}

  static PhaseResult run(
      Cluster cluster, RandomImage image, String reference, BenchOptions options, int layers)
      throws IOException {
    double floor = options.registryRate().seconds(image.layerBytes());
    String name = "bench-" + Long.toHexString(System.nanoTime());
    PhaseMeter meter = PhaseMeter.start(cluster);
    Instant t0 = Instant.now();
    ImagePull pull = cluster.applyImagePull(name, reference, spec -> {});
    String key = pull.key();
    long deadline = meter.startNanos() + options.timeout().toNanos();
    Map<String, Double> done = new HashMap<>();
    Map<String, Double> pulling = new HashMap<>();
    Map<String, Double> importing = new HashMap<>();
    Map<String, String> failures = new HashMap<>();
    List<NodeHost> nodes = cluster.nodes();
    while (done.size() < nodes.size() && System.nanoTime() < deadline && !gaveUp(cluster, name)) {
      for (Map.Entry<String, Optional<NodeImageEntryStatus>> e :
          statuses(cluster, key).entrySet()) {
        if (done.containsKey(e.getKey()) || e.getValue().isEmpty()) {
          continue;
        }
        NodeImageEntryStatus s = e.getValue().get();
        Instant at = s.getLastUpdate() == null ? Instant.now() : Instant.parse(s.getLastUpdate());
        double since = Duration.between(t0, at).toMillis() / 1000.0;
        if (s.getPhase() == NodeImagePhase.Pulling) {
          pulling.putIfAbsent(e.getKey(), since);
        } else if (s.getPhase() == NodeImagePhase.Importing) {
          importing.putIfAbsent(e.getKey(), since);
        }
        if (s.getPhase() != null && s.getPhase().hasImage()) {
          done.put(e.getKey(), since);
          failures.remove(e.getKey());
        } else if (s.getPhase() == NodeImagePhase.Failed) {
          failures.put(e.getKey(), s.getReason() + ": " + s.getMessage());
        }
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException();
      }
    }
    Map<String, Optional<NodeImageEntryStatus>> last = statuses(cluster, key);
    Map<String, Long> served = meter.registryBytesByClient(image.blobDigests());
    List<HostResult> hosts = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    double all = 0;
    double bastion = -1;
    List<NodeHost> ordered = new ArrayList<>(cluster.workers());
    ordered.add(cluster.bastion());
    for (NodeHost node : ordered) {
      PhaseMeter.NodeDelta d = meter.node(node);
      NodeImageEntryStatus s = last.getOrDefault(node.name(), Optional.empty()).orElse(null);
      Optional<String> digest = node.imageDigest(reference);
      boolean imported =
          done.containsKey(node.name()) && digest.equals(Optional.of(image.manifestDigest()));
      double seconds = done.getOrDefault(node.name(), Double.NaN);
      if (!imported) {
        problems.add(
            node.name()
                + ": "
                + (s == null
                    ? "no status"
                    : s.getPhase() + " " + failures.getOrDefault(node.name(), ""))
                + ", digest in containerd "
                + digest.orElse("(none)"));
      }
      if (node.isBastion()) {
        bastion = seconds;
      } else {
        all = Math.max(all, seconds);
      }
      hosts.add(
          new HostResult(
              node.name(),
              node.isBastion() ? "bastion" : "worker",
              seconds,
              imported,
              s == null || s.getBytesFromPeers() == null ? 0 : s.getBytesFromPeers(),
              s == null || s.getBytesFromRegistry() == null ? 0 : s.getBytesFromRegistry(),
              d.link().rxBytes(),
              d.link().txBytes(),
              d.agent().map(Probes.Proc::cpuSeconds).orElse(Double.NaN),
              d.agent().map(Probes.Proc::peakRssBytes).orElse(0L),
              d.containerd().map(Probes.Proc::cpuSeconds).orElse(Double.NaN),
              d.agent().map(Probes.Proc::writeBytes).orElse(0L)
                  + d.containerd().map(Probes.Proc::writeBytes).orElse(0L),
              pulling.getOrDefault(node.name(), Double.NaN),
              importing.getOrDefault(node.name(), Double.NaN),
              d.agentThreads()));
    }
    long http = served.values().stream().mapToLong(Long::longValue).sum();
    if (!problems.isEmpty()) {
      problems.add("diagnostics:\n" + cluster.diagnostics());
    }
    return meter.finish(
        BenchOptions.Mode.P2P,
        layers,
        image.layerBytes(),
        floor,
        problems.isEmpty() ? all : Double.NaN,
        bastion,
        hosts,
        http,
        0,
        problems.isEmpty(),
        problems.isEmpty() ? null : String.join("; ", problems));
  }

  /** Whether the ImagePull as a whole failed (every retry used up somewhere). */
  private static boolean gaveUp(Cluster cluster, String name) {
    ImagePull now = cluster.imagePull(name);
    return now != null
        && now.getStatus() != null
        && now.getStatus().getPhase() == ImagePullPhase.Failed;
  }

  /** Every node's entry for {@code key}, from one list of the NodeImages. */
  private static Map<String, Optional<NodeImageEntryStatus>> statuses(Cluster cluster, String key) {
    Map<String, Optional<NodeImageEntryStatus>> out = new HashMap<>();
    for (NodeImage ni : cluster.client().resources(NodeImage.class).list().getItems()) {
      Optional<NodeImageEntryStatus> entry =
          ni.getStatus() == null
              ? Optional.empty()
              : ni.getStatus().getImages().stream().filter(e -> key.equals(e.getKey())).findFirst();
      out.put(ni.getMetadata().getName(), entry);
    }
    return out;
  }
}
