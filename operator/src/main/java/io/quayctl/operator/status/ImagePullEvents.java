package io.quayctl.operator.status;

import io.quayctl.api.v1alpha1.ImagePullPhase;
import io.quayctl.api.v1alpha1.ImagePullStatus;
import io.quayctl.api.v1alpha1.NodeReason;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** The Events worth recording when an ImagePull's status moves from one value to the next. */
public final class ImagePullEvents {
  private ImagePullEvents() {}

  /** Started, Resolved, NodeFailed (one per newly failed node), Complete and Failed. */
  public static List<StatusEvent> between(ImagePullStatus previous, ImagePullStatus next) {
    ImagePullStatus before = previous == null ? new ImagePullStatus() : previous;
    List<StatusEvent> events = new ArrayList<>();
    if (before.getStartTime() == null && next.getStartTime() != null) {
      events.add(
          new StatusEvent(
              StatusEvent.Type.Normal, "Started", "handed the image to the first node"));
    }
    if (before.getResolvedDigest() == null && next.getResolvedDigest() != null) {
      events.add(
          new StatusEvent(
              StatusEvent.Type.Normal, "Resolved", "resolved to " + next.getResolvedDigest()));
    }
    Set<String> failedBefore =
        before.getFailedNodes() == null
            ? Set.of()
            : before.getFailedNodes().stream().map(NodeReason::getNode).collect(Collectors.toSet());
    for (NodeReason n : next.getFailedNodes()) {
      if (!failedBefore.contains(n.getNode())) {
        events.add(
            new StatusEvent(
                StatusEvent.Type.Warning,
                "NodeFailed",
                "node " + n.getNode() + ": " + n.getReason() + ": " + n.getMessage()));
      }
    }
    if (next.getPhase() != before.getPhase()) {
      if (next.getPhase() == ImagePullPhase.Complete) {
        events.add(
            new StatusEvent(
                StatusEvent.Type.Normal, "Complete", "image is on " + next.getReady() + " nodes"));
      } else if (next.getPhase() == ImagePullPhase.Failed) {
        String message =
            next.getConditions().stream()
                .filter(c -> ImagePullCondition.FAILED.equals(c.getType()))
                .map(c -> c.getReason() + ": " + c.getMessage())
                .findFirst()
                .orElse("failed");
        events.add(new StatusEvent(StatusEvent.Type.Warning, "Failed", message));
      }
    }
    return events;
  }
}
