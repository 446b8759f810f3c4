package io.quayctl.e2e.bench;

import io.quayctl.e2e.Cluster;
import io.quayctl.e2e.NodeHost;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The baseline: every worker runs {@code ctr images pull} against the registry at the same moment,
 * into its own containerd's {@code k8s.io} namespace (content fetched, verified and unpacked by
 * containerd's own client), each under {@code /usr/bin/time} for its CPU and peak RSS.
 */
final class DirectPulls {
  private DirectPulls() {}

  static PhaseResult run(
      Cluster cluster,
      RandomImage image,
      String reference,
      BenchOptions options,
      int layers,
      Path logDir)
      throws IOException {
    Files.createDirectories(logDir);
    List<NodeHost> workers = cluster.workers();
    Path cert = BlobPusher.certificate(cluster);
    List<ProcessBuilder> builders = new ArrayList<>();
    List<Path> timeFiles = new ArrayList<>();
    for (NodeHost w : workers) {
      Path timeFile = logDir.resolve(w.name() + ".time");
      timeFiles.add(timeFile);
      List<String> command =
          w.host()
              .command(
                  List.of(
                      "/usr/bin/time",
                      "-o",
                      timeFile.toString(),
                      "-f",
                      "%e %U %S %M",
                      "ctr",
                      "-a",
                      w.containerdSocket().toString(),
                      "-n",
                      NodeHost.K8S_NAMESPACE,
                      "images",
                      "pull",
                      "--tlscacert",
                      cert.toString(),
                      reference));
      builders.add(
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(logDir.resolve(w.name() + ".log").toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))));
    }
    double floor = options.registryRate().seconds(image.layerBytes());
    PhaseMeter meter = PhaseMeter.start(cluster);
    long t0 = meter.startNanos();
    List<Process> processes = new ArrayList<>();
    for (ProcessBuilder b : builders) {
      processes.add(b.start());
    }
    long deadline = t0 + options.timeout().toNanos();
    double[] seconds = new double[workers.size()];
    int[] exits = new int[workers.size()];
    List<Thread> waiters = new ArrayList<>();
    for (int i = 0; i < processes.size(); i++) {
      int k = i;
      Thread t =
          new Thread(
              () -> {
                try {
                  Process p = processes.get(k);
                  long left = deadline - System.nanoTime();
                  if (p.waitFor(Math.max(1, left), TimeUnit.NANOSECONDS)) {
                    seconds[k] = (System.nanoTime() - t0) / 1e9;
                    exits[k] = p.exitValue();
                  } else {
                    p.destroyForcibly();
                    seconds[k] = Double.NaN;
                    exits[k] = -1;
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "direct-" + workers.get(i).name());
      t.start();
      waiters.add(t);
    }
    for (Thread t : waiters) {
      try {
        t.join();
      } catch (InterruptedException e) {
        processes.forEach(Process::destroyForcibly);
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException();
      }
    }
    Map<String, Long> served = meter.registryBytesByClient(image.blobDigests());
    List<HostResult> hosts = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    double all = 0;
    for (int i = 0; i < workers.size(); i++) {
      NodeHost w = workers.get(i);
      PhaseMeter.NodeDelta d = meter.node(w);
      double[] time = readTime(timeFiles.get(i));
      Optional<String> digest = w.imageDigest(reference);
      boolean imported = exits[i] == 0 && digest.equals(Optional.of(image.manifestDigest()));
      if (!imported) {
        problems.add(
            w.name()
                + ": ctr exit "
                + exits[i]
                + ", digest "
                + digest.orElse("(none)")
                + " (log "
                + logDir.resolve(w.name() + ".log")
                + ")");
      }
      all = Math.max(all, seconds[i]);
      hosts.add(
          new HostResult(
              w.name(),
              "worker",
              seconds[i],
              imported,
              0,
              served.getOrDefault(w.host().address(), 0L),
              d.link().rxBytes(),
              d.link().txBytes(),
              time[1] + time[2],
              (long) time[3] * 1024,
              d.containerd().map(Probes.Proc::cpuSeconds).orElse(Double.NaN),
              d.containerd().map(Probes.Proc::writeBytes).orElse(0L),
              -1,
              -1,
              Map.of()));
    }
    long http = served.values().stream().mapToLong(Long::longValue).sum();
    return meter.finish(
        BenchOptions.Mode.DIRECT,
        layers,
        image.layerBytes(),
        floor,
        problems.isEmpty() ? all : Double.NaN,
        -1,
        hosts,
        http,
        hosts.stream()
            .mapToDouble(HostResult::clientCpuSeconds)
            .filter(x -> !Double.isNaN(x))
            .sum(),
        problems.isEmpty(),
        problems.isEmpty() ? null : String.join("; ", problems));
  }

  /** {@code %e %U %S %M} of /usr/bin/time: wall, user, system seconds, max RSS in KiB. */
  private static double[] readTime(Path file) {
    try {
      List<String> lines = Files.readAllLines(file);
      String last = lines.get(lines.size() - 1).trim();
      String[] f = last.split("\\s+");
      return new double[] {
        Double.parseDouble(f[0]),
        Double.parseDouble(f[1]),
        Double.parseDouble(f[2]),
        Double.parseDouble(f[3])
      };
    } catch (IOException | RuntimeException e) {
      return new double[] {Double.NaN, Double.NaN, Double.NaN, 0};
    }
  }

  /** Removes the image from every worker's containerd (and its content and snapshots). */
  static void removeImage(Cluster cluster, String reference) {
    for (NodeHost w : cluster.workers()) {
      try {
        w.ctr("images", "rm", "--sync", reference);
      } catch (IOException e) {
        System.err.println("bench: could not remove " + reference + " on " + w.name());
      }
    }
  }
}
