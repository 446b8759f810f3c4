package io.quayctl.operator.planning;

import io.quayctl.api.v1alpha1.NodeImageEntry;
import io.quayctl.api.v1alpha1.NodeReason;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The desired NodeImage entries of one ImagePull and what the planner concluded on the way.
 *
 * @param entries the entry each node must have, by node name; a node not in it must have none
 * @param targets one per target node, sorted by name
 * @param recheckAfter when to look again even if nothing changes (the next timeout)
 */
public record Plan(
    Optional<Problem> problem,
    Resolution resolution,
    Map<String, NodeImageEntry> entries,
    List<NodeProgress> targets,
    List<NodeReason> skipped,
    long bytesFromPeers,
    long bytesFromRegistry,
    Optional<Duration> recheckAfter) {}
