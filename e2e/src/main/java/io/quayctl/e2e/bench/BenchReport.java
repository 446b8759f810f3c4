package io.quayctl.e2e.bench;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The tables printed at the end (and after every cluster), and the targets' verdicts. */
final class BenchReport {
  private static final double MIB = 1024.0 * 1024.0;

  private BenchReport() {}

  static void printTables(List<PhaseResult> phases, PrintStream out) {
    out.println();
    out.printf(
        "%-3s %-2s %-18s %8s %7s %22s %8s %9s %7s %7s %11s %11s%n",
        "N",
        "L",
        "mode",
        "T_all s",
        "/floor",
        "per host s min/med/max",
        "bastion",
        "reg MiB",
        "/S link",
        "/S http",
        "peers MiB",
        "registry MiB");
    for (PhaseResult p : phases) {
      double[] t =
          p.hosts().stream()
              .filter(h -> h.role().equals("worker"))
              .mapToDouble(HostResult::seconds)
              .sorted()
              .toArray();
      long peers = p.hosts().stream().mapToLong(HostResult::fromPeers).sum();
      long reg = p.hosts().stream().mapToLong(HostResult::fromRegistry).sum();
      out.printf(
          Locale.ROOT,
          "%-3d %-2d %-18s %8s %7s %22s %8s %9.1f %7.3f %7.3f %11.1f %11.1f%n",
          p.workers(),
          p.layers(),
          p.mode(),
          p.ok() ? String.format(Locale.ROOT, "%.1f", p.allSeconds()) : "FAILED",
          p.ok() ? String.format(Locale.ROOT, "%.2f", p.overFloor()) : "-",
          t.length == 0
              ? "-"
              : String.format(Locale.ROOT, "%.1f/%.1f/%.1f", t[0], median(t), t[t.length - 1]),
          p.bastionSeconds() < 0 ? "-" : String.format(Locale.ROOT, "%.1f", p.bastionSeconds()),
          p.registryTxBytes() / MIB,
          p.egressRatio(),
          p.httpRatio(),
          peers / MIB,
          reg / MIB);
    }
    out.println();
    out.printf(
        "%-3s %-2s %-18s %12s %11s %12s %12s %17s %9s %9s %8s%n",
        "N",
        "L",
        "mode",
        "client CPU s",
        "client RSS",
        "containerd",
        "machine CPU",
        "CPU s: cluster/",
        "iowait %",
        "disk MB/s",
        "load");
    out.printf(
        "%-3s %-2s %-18s %12s %11s %12s %12s %17s %9s %9s %8s%n",
        "",
        "",
        "",
        "sum (max)",
        "max MiB",
        "CPU s sum",
        "s busy/wall",
        "bench/others",
        "",
        "written",
        "1m b/a");
    for (PhaseResult p : phases) {
      double cpuSum = p.hosts().stream().mapToDouble(HostResult::clientCpuSeconds).sum();
      double cpuMax = p.hosts().stream().mapToDouble(HostResult::clientCpuSeconds).max().orElse(0);
      long rss = p.hosts().stream().mapToLong(HostResult::clientPeakRssBytes).max().orElse(0);
      double cd = p.hosts().stream().mapToDouble(HostResult::containerdCpuSeconds).sum();
      double wall = p.machine().total() / cores();
      out.printf(
          Locale.ROOT,
          "%-3d %-2d %-18s %12s %11.0f %12.1f %12s %17s %9.0f %9.1f %8s%n",
          p.workers(),
          p.layers(),
          p.mode(),
          String.format(Locale.ROOT, "%.1f (%.1f)", cpuSum, cpuMax),
          rss / MIB,
          cd,
          String.format(Locale.ROOT, "%.0f/%.0f", p.machine().busy(), wall),
          String.format(
              Locale.ROOT,
              "%.0f/%.0f/%.0f",
              p.clusterCpuSeconds(),
              p.benchCpuSeconds(),
              p.machine().busy() - p.clusterCpuSeconds() - p.benchCpuSeconds()),
          100 * p.machine().iowait() / Math.max(1e-9, p.machine().total()),
          p.diskWrittenBytes() / 1e6 / Math.max(1e-9, wall),
          String.format(Locale.ROOT, "%.1f/%.1f", p.loadBefore(), p.loadAfter()));
    }
    out.println();
    out.println(
        "per-host completion, seconds (workers in name order; P2P: bastion last, (pPEERS/rREGISTRY"
            + " MiB))");
    for (PhaseResult p : phases) {
      StringBuilder line = new StringBuilder();
      for (HostResult h : p.hosts()) {
        line.append(String.format(Locale.ROOT, " %s=%.1f", shortName(h), h.seconds()));
        if (p.mode().startsWith("P2P")) {
          line.append(
              String.format(
                  Locale.ROOT, "(p%.0f/r%.0f)", h.fromPeers() / MIB, h.fromRegistry() / MIB));
        }
      }
      out.printf("  N=%d L=%d %-18s%s%n", p.workers(), p.layers(), p.mode(), line);
    }
  }

  /** Where the P2P time went: the agents' phases and their CPU by thread. */
  static void printSwarmBreakdown(List<PhaseResult> phases, PrintStream out) {
    List<PhaseResult> swarm = phases.stream().filter(p -> p.mode().startsWith("P2P")).toList();
    if (swarm.isEmpty()) {
      return;
    }
    out.println();
    out.println(
        "P2P phases, seconds since the ImagePull was created (agent-stamped; workers: median/max)");
    out.printf(
        "%-3s %-2s %-26s %-26s %-22s %-16s%n",
        "N",
        "L",
        "bastion pull/import/done",
        "workers pull start",
        "workers import start",
        "import took");
    for (PhaseResult p : swarm) {
      HostResult b =
          p.hosts().stream().filter(h -> h.role().equals("bastion")).findFirst().orElse(null);
      List<HostResult> w = p.hosts().stream().filter(h -> h.role().equals("worker")).toList();
      out.printf(
          Locale.ROOT,
          "%-3d %-2d %-26s %-26s %-22s %-16s%n",
          p.workers(),
          p.layers(),
          b == null
              ? "-"
              : String.format(
                  Locale.ROOT,
                  "%.1f / %.1f / %.1f",
                  b.pullingSeconds(),
                  b.importingSeconds(),
                  b.seconds()),
          medMax(w.stream().mapToDouble(HostResult::pullingSeconds).toArray()),
          medMax(w.stream().mapToDouble(HostResult::importingSeconds).toArray()),
          medMax(w.stream().mapToDouble(h -> h.seconds() - h.importingSeconds()).toArray()));
    }
    out.println();
    out.println("agent CPU seconds by thread during P2P (workers summed | bastion), top groups");
    for (PhaseResult p : swarm) {
      java.util.Map<String, Double> workers = new java.util.TreeMap<>();
      java.util.Map<String, Double> bastion = new java.util.TreeMap<>();
      for (HostResult h : p.hosts()) {
        (h.role().equals("bastion") ? bastion : workers)
            .putAll(merge(h.role().equals("bastion") ? bastion : workers, h.agentThreadCpu()));
      }
      out.printf(
          "  N=%d L=%d workers: %s%n         bastion: %s%n",
          p.workers(), p.layers(), top(workers), top(bastion));
    }
  }

  private static java.util.Map<String, Double> merge(
      java.util.Map<String, Double> into, java.util.Map<String, Double> more) {
    java.util.Map<String, Double> out = new java.util.TreeMap<>(into);
    if (more != null) {
      more.forEach((k, v) -> out.merge(k, v, Double::sum));
    }
    return out;
  }

  private static String top(java.util.Map<String, Double> cpu) {
    double total = cpu.values().stream().mapToDouble(Double::doubleValue).sum();
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "total %.1f;", total));
    cpu.entrySet().stream()
        .sorted((x, y) -> Double.compare(y.getValue(), x.getValue()))
        .limit(7)
        .forEach(e -> b.append(String.format(Locale.ROOT, " %s %.1f,", e.getKey(), e.getValue())));
    return b.toString();
  }

  private static String medMax(double[] values) {
    double[] v = Arrays.stream(values).filter(x -> !Double.isNaN(x)).sorted().toArray();
    return v.length == 0
        ? "-"
        : String.format(Locale.ROOT, "%.1f / %.1f", median(v), v[v.length - 1]);
  }

  static void printTargets(List<PhaseResult> phases, PrintStream out) {
    out.println();
    out.println("targets (a shortfall is a finding):");
    for (int layers : phases.stream().mapToInt(PhaseResult::layers).distinct().toArray()) {
      Optional<PhaseResult> p2pMax =
          phases.stream()
              .filter(p -> p.layers() == layers && p.mode().startsWith("P2P") && p.ok())
              .max((a, b) -> Integer.compare(a.workers(), b.workers()));
      p2pMax.ifPresent(
          p ->
              out.printf(
                  Locale.ROOT,
                  "  L=%d P2P T_all at N=%d = %.1f s = %.2f x floor (target <= 1.30): %s%n",
                  layers,
                  p.workers(),
                  p.allSeconds(),
                  p.overFloor(),
                  p.overFloor() <= 1.3 ? "met" : "MISSED"));
      phases.stream()
          .filter(p -> p.layers() == layers && p.mode().startsWith("P2P") && p.ok())
          .forEach(
              p ->
                  out.printf(
                      Locale.ROOT,
                      "  L=%d P2P N=%d registry egress %.3f x S on the link, %.3f x S over HTTP"
                          + " (target <= 1.05): %s%n",
                      layers,
                      p.workers(),
                      p.egressRatio(),
                      p.httpRatio(),
                      p.egressRatio() <= 1.05 ? "met" : "MISSED"));
      Optional<PhaseResult> direct1 =
          phases.stream()
              .filter(
                  p -> p.layers() == layers && p.mode().startsWith("direct") && p.workers() == 1)
              .filter(PhaseResult::ok)
              .findFirst();
      for (PhaseResult d :
          phases.stream()
              .filter(p -> p.layers() == layers && p.mode().startsWith("direct") && p.ok())
              .toList()) {
        Optional<PhaseResult> p2p =
            phases.stream()
                .filter(
                    p ->
                        p.layers() == layers
                            && p.mode().startsWith("P2P")
                            && p.workers() == d.workers()
                            && p.ok())
                .findFirst();
        out.printf(
            Locale.ROOT,
            "  L=%d direct N=%d: T_all %.1f s = %.2f x direct N=1%s%n",
            layers,
            d.workers(),
            d.allSeconds(),
            direct1.map(one -> d.allSeconds() / one.allSeconds()).orElse(Double.NaN),
            p2p.map(
                    p ->
                        String.format(
                            Locale.ROOT,
                            ", %.2f x P2P at the same N",
                            d.allSeconds() / p.allSeconds()))
                .orElse(""));
      }
    }
  }

  private static String shortName(HostResult h) {
    return h.host().startsWith("worker-") ? "w" + h.host().substring(7) : h.host();
  }

  static double median(double[] sorted) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    double[] s = Arrays.copyOf(sorted, sorted.length);
    Arrays.sort(s);
    int m = s.length / 2;
    return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
  }

  static int cores() {
    return Runtime.getRuntime().availableProcessors();
  }
}
