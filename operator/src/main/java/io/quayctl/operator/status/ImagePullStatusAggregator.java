package io.quayctl.operator.status;

import static io.quayctl.operator.status.ImagePullCondition.COMPLETE;
import static io.quayctl.operator.status.ImagePullCondition.FAILED;
import static io.quayctl.operator.status.ImagePullCondition.PROGRESSING;
import static io.quayctl.operator.status.ImagePullCondition.RESOLVED;

import io.fabric8.kubernetes.api.model.Condition;
import io.quayctl.api.v1alpha1.ImagePull;
import io.quayctl.api.v1alpha1.ImagePullPhase;
import io.quayctl.api.v1alpha1.ImagePullStatus;
import io.quayctl.api.v1alpha1.NodeReason;
import io.quayctl.operator.planning.NodeProgress;
import io.quayctl.operator.planning.NodeState;
import io.quayctl.operator.planning.Plan;
import io.quayctl.operator.planning.Problem;
import io.quayctl.operator.planning.Resolution;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Builds an ImagePull's status from a plan; the caller patches it only when it changed. */
public final class ImagePullStatusAggregator {
  private ImagePullStatusAggregator() {}

  /** The status for {@code pull} after {@code plan}, keeping what must persist from before. */
  public static ImagePullStatus aggregate(ImagePull pull, Plan plan, Instant now) {
    ImagePullStatus previous = pull.getStatus() == null ? new ImagePullStatus() : pull.getStatus();
    Long generation = pull.getMetadata().getGeneration();
    ImagePullStatus s = new ImagePullStatus();
    s.setObservedGeneration(generation);

    Resolution r = plan.resolution();
    if (r.state() == Resolution.State.RESOLVED) {
      s.setResolvedDigest(r.digest());
      s.setLayers(new ArrayList<>(r.layers()));
    }
    int desired = plan.targets().size();
    int pulling = count(plan, NodeState.IN_PROGRESS);
    int succeeded = count(plan, NodeState.SUCCEEDED);
    int failed = count(plan, NodeState.FAILED);
    s.setDesired(desired);
    s.setPulling(pulling);
    s.setSucceeded(succeeded);
    s.setFailed(failed);
    s.setReady(succeeded + "/" + desired);
    s.setFailedNodes(
        plan.targets().stream()
            .filter(p -> p.state() == NodeState.FAILED)
            .map(p -> new NodeReason(p.node(), p.reason(), p.message()))
            .collect(Collectors.toList()));
    s.setSkippedNodes(new ArrayList<>(plan.skipped()));
    s.setBytesFromPeers(plan.bytesFromPeers());
    s.setBytesFromRegistry(plan.bytesFromRegistry());
    s.setStartTime(
        previous.getStartTime() != null
            ? previous.getStartTime()
            : plan.entries().isEmpty() ? null : now.toString());

    List<Condition> c = previous.getConditions() == null ? List.of() : previous.getConditions();
    ImagePullPhase phase;
    if (plan.problem().isPresent()) {
      Problem p = plan.problem().get();
      phase = ImagePullPhase.Failed;
      c = Conditions.set(c, RESOLVED, false, p.reason(), p.message(), generation, now);
      c = Conditions.set(c, PROGRESSING, false, p.reason(), p.message(), generation, now);
      c = Conditions.set(c, COMPLETE, false, p.reason(), p.message(), generation, now);
      c = Conditions.set(c, FAILED, true, p.reason(), p.message(), generation, now);
    } else if (r.state() != Resolution.State.RESOLVED) {
      boolean resolving = r.state() == Resolution.State.RESOLVING;
      boolean resolveFailed = r.state() == Resolution.State.FAILED;
      phase =
          resolveFailed
              ? ImagePullPhase.Failed
              : resolving ? ImagePullPhase.Resolving : ImagePullPhase.Pending;
      // A failed resolve carries the bastion's own reason (SecretNotFound, Unauthorized, ...).
      String reason = r.reason();
      c = Conditions.set(c, RESOLVED, false, reason, r.message(), generation, now);
      c = Conditions.set(c, PROGRESSING, resolving, reason, r.message(), generation, now);
      c = Conditions.set(c, COMPLETE, false, reason, r.message(), generation, now);
      c = Conditions.set(c, FAILED, resolveFailed, reason, r.message(), generation, now);
    } else {
      c = Conditions.set(c, RESOLVED, true, "Resolved", r.message(), generation, now);
      int waiting = desired - pulling - succeeded - failed;
      if (desired == 0) {
        phase = ImagePullPhase.Pending;
        String m = "no selected node can take the image";
        c = Conditions.set(c, PROGRESSING, false, "NoTargetNodes", m, generation, now);
        c = Conditions.set(c, COMPLETE, false, "NoTargetNodes", m, generation, now);
        c = Conditions.set(c, FAILED, false, "NoTargetNodes", m, generation, now);
      } else if (succeeded == desired) {
        phase = ImagePullPhase.Complete;
        String m = "all " + desired + " nodes have the image";
        c = Conditions.set(c, PROGRESSING, false, "Complete", m, generation, now);
        c = Conditions.set(c, COMPLETE, true, "AllNodesSucceeded", m, generation, now);
        c = Conditions.set(c, FAILED, false, "AllNodesSucceeded", m, generation, now);
      } else if (pulling == 0 && waiting == 0) {
        phase = ImagePullPhase.Failed;
        String m = failed + " of " + desired + " nodes failed: " + nodeList(s.getFailedNodes());
        c = Conditions.set(c, PROGRESSING, false, "NodesFailed", m, generation, now);
        c = Conditions.set(c, COMPLETE, false, "NodesFailed", m, generation, now);
        c = Conditions.set(c, FAILED, true, "NodesFailed", m, generation, now);
      } else {
        phase = ImagePullPhase.Pulling;
        String m =
            succeeded
                + " of "
                + desired
                + " nodes done, "
                + pulling
                + " pulling, "
                + waiting
                + " waiting"
                + (failed > 0 ? ", " + failed + " failed" : "");
        c = Conditions.set(c, PROGRESSING, true, "Pulling", m, generation, now);
        c = Conditions.set(c, COMPLETE, false, "Pulling", m, generation, now);
        c = Conditions.set(c, FAILED, false, "Pulling", m, generation, now);
      }
    }
    s.setPhase(phase);
    s.setConditions(c);
    s.setCompletionTime(
        phase != ImagePullPhase.Complete
            ? null
            : previous.getPhase() == ImagePullPhase.Complete && previous.getCompletionTime() != null
                ? previous.getCompletionTime()
                : now.toString());
    return s;
  }

  private static int count(Plan plan, NodeState state) {
    return (int) plan.targets().stream().map(NodeProgress::state).filter(state::equals).count();
  }

  private static String nodeList(List<NodeReason> nodes) {
    return nodes.stream()
            .limit(5)
            .map(n -> n.getNode() + " (" + n.getReason() + ")")
            .collect(Collectors.joining(", "))
        + (nodes.size() > 5 ? ", ..." : "");
  }
}
