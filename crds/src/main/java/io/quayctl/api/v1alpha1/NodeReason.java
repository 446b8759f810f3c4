package io.quayctl.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;

/** Why one node failed or was skipped: a CamelCase reason and a human message. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NodeReason {
  @Required private String node;
  @Required private String reason;
  private String message;

  public NodeReason() {}

  public NodeReason(String node, String reason, String message) {
    this.node = node;
    this.reason = reason;
    this.message = message;
  }

  public String getNode() {
    return node;
  }

  public void setNode(String node) {
    this.node = node;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }
}
