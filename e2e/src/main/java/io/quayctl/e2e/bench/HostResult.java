package io.quayctl.e2e.bench;

/**
 * What one host did in one mode.
 *
 * @param host the node's name
 * @param role {@code worker} or {@code bastion}
 * @param seconds from the start of the mode until the image was in the host's containerd
 * @param imported whether containerd holds the image under the registry's manifest digest
 * @param fromPeers bytes the host got from peers (agent's report; 0 for direct pulls)
 * @param fromRegistry bytes the host got from the registry (agent's report; for direct pulls the
 *     bytes its link received)
 * @param linkRxBytes bytes received on the host's link, headers included
 * @param linkTxBytes bytes sent on the host's link, headers included
 * @param clientCpuSeconds CPU of the puller: the agent process, or {@code ctr}
 * @param clientPeakRssBytes peak RSS of the puller (VmHWM of the agent, max RSS of {@code ctr})
 * @param containerdCpuSeconds CPU of the host's containerd during the mode
 * @param writtenBytes bytes the puller and containerd caused to be written to disk
 * @param pullingSeconds P2P: when the agent started pulling (entry Pulling), else -1
 * @param importingSeconds P2P: when every blob was verified and the import began, else -1
 * @param agentThreadCpu P2P: the agent's CPU seconds by thread name during the mode
 */
public record HostResult(
    String host,
    String role,
    double seconds,
    boolean imported,
    long fromPeers,
    long fromRegistry,
    long linkRxBytes,
    long linkTxBytes,
    double clientCpuSeconds,
    long clientPeakRssBytes,
    double containerdCpuSeconds,
    long writtenBytes,
    double pullingSeconds,
    double importingSeconds,
    java.util.Map<String, Double> agentThreadCpu) {}
