package io.quayctl.operator.status;

/** A Kubernetes Event to record on an ImagePull. */
public record StatusEvent(Type type, String reason, String message) {

  /** The Event's type. */
  public enum Type {
    Normal,
    Warning
  }
}
