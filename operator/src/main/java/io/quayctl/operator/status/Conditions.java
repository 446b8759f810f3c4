package io.quayctl.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Sets standard conditions the Kubernetes way: the transition time moves only with the status. */
public final class Conditions {
  private Conditions() {}

  /**
   * Returns {@code conditions} with the one of {@code type} replaced (or added); its {@code
   * lastTransitionTime} is kept when {@code status} did not change, else set to {@code now}.
   */
  public static List<Condition> set(
      List<Condition> conditions,
      String type,
      boolean status,
      String reason,
      String message,
      Long observedGeneration,
      Instant now) {
    String value = status ? "True" : "False";
    Optional<Condition> previous = find(conditions, type);
    String transition =
        previous
            .filter(p -> value.equals(p.getStatus()))
            .map(Condition::getLastTransitionTime)
            .orElse(now.toString());
    Condition next = new Condition();
    next.setType(type);
    next.setStatus(value);
    next.setReason(reason);
    next.setMessage(message == null ? "" : message);
    next.setObservedGeneration(observedGeneration);
    next.setLastTransitionTime(transition);
    List<Condition> result = new ArrayList<>();
    boolean replaced = false;
    for (Condition c : conditions) {
      if (type.equals(c.getType())) {
        result.add(next);
        replaced = true;
      } else {
        result.add(c);
      }
    }
    if (!replaced) {
      result.add(next);
    }
    return result;
  }

  /** The condition of {@code type}, if present. */
  public static Optional<Condition> find(List<Condition> conditions, String type) {
    return conditions == null
        ? Optional.empty()
        : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  /** Whether the condition of {@code type} is present and True. */
  public static boolean isTrue(List<Condition> conditions, String type) {
    return find(conditions, type).map(c -> "True".equals(c.getStatus())).orElse(false);
  }
}
