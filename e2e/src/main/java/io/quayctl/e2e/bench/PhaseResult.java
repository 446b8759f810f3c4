package io.quayctl.e2e.bench;

import java.util.List;

/**
 * One mode measured on one cluster.
 *
 * @param mode what was measured ({@link BenchOptions.Mode#label()})
 * @param workers N
 * @param layers L
 * @param imageBytes S: the layer blobs' total size
 * @param floorSeconds S / B_reg
 * @param allSeconds T_all: until the last worker had the image
 * @param bastionSeconds until the bastion had it (P2P), else -1
 * @param hosts per host, workers first
 * @param registryTxBytes what the registry's link sent (headers included)
 * @param registryTxPackets packets it sent
 * @param registryHttpBytes blob bytes the registry's access log says it served
 * @param machine the machine's CPU seconds by kind during the mode
 * @param clusterCpuSeconds CPU of every process of the cluster (all its namespaces, ctr included)
 * @param benchCpuSeconds CPU of the benchmark's own JVM (polling, sampling)
 * @param diskWrittenBytes bytes written to the machine's disks during the mode
 * @param loadBefore 1-minute load average when the mode started
 * @param loadAfter when it ended
 * @param timeline one sample a second
 * @param ok whether every host got the image
 * @param error what went wrong, if not ok
 */
public record PhaseResult(
    String mode,
    int workers,
    int layers,
    long imageBytes,
    double floorSeconds,
    double allSeconds,
    double bastionSeconds,
    List<HostResult> hosts,
    long registryTxBytes,
    long registryTxPackets,
    long registryHttpBytes,
    Probes.MachineCpu machine,
    double clusterCpuSeconds,
    double benchCpuSeconds,
    long diskWrittenBytes,
    double loadBefore,
    double loadAfter,
    List<Sampler.Sample> timeline,
    boolean ok,
    String error) {

  /** T_all / floor. */
  public double overFloor() {
    return allSeconds / floorSeconds;
  }

  /** Registry link bytes / S. */
  public double egressRatio() {
    return (double) registryTxBytes / imageBytes;
  }

  /** Registry HTTP blob bytes / S. */
  public double httpRatio() {
    return (double) registryHttpBytes / imageBytes;
  }
}
