package io.quayctl.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import java.util.ArrayList;
import java.util.List;

/** How far this node is with one spec entry; written by the node's agent only. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NodeImageEntryStatus {
  @JsonPropertyDescription("The key of the spec entry this reports on.")
  @Required
  private String key;

  @JsonPropertyDescription(
      "spec.imagePull.uid of the entry this reports on; a report for another uid is stale.")
  private String uid;

  @JsonPropertyDescription("spec attempt this reports on; a report for an older one is stale.")
  @Min(1)
  private Integer attempt;

  @Required private NodeImagePhase phase;

  @Min(0)
  private Long bytesDone;

  @Min(0)
  private Long bytesTotal;

  @Min(0)
  private Long bytesFromPeers;

  @Min(0)
  private Long bytesFromRegistry;

  @JsonPropertyDescription("CamelCase cause when Failed, e.g. ManifestUnknown, Unauthorized.")
  private String reason;

  private String message;

  @JsonPropertyDescription("Resolver only: the manifest digest it resolved for its platform.")
  private String resolvedDigest;

  @JsonPropertyDescription("Resolver only: the layers of that manifest, with their infohashes.")
  private List<Layer> layers = new ArrayList<>();

  @JsonPropertyDescription("When the agent last wrote this entry (RFC 3339).")
  private String lastUpdate;

  public String getKey() {
    return key;
  }

  public void setKey(String key) {
    this.key = key;
  }

  public String getUid() {
    return uid;
  }

  public void setUid(String uid) {
    this.uid = uid;
  }

  public Integer getAttempt() {
    return attempt;
  }

  public void setAttempt(Integer attempt) {
    this.attempt = attempt;
  }

  public NodeImagePhase getPhase() {
    return phase;
  }

  public void setPhase(NodeImagePhase phase) {
    this.phase = phase;
  }

  public Long getBytesDone() {
    return bytesDone;
  }

  public void setBytesDone(Long bytesDone) {
    this.bytesDone = bytesDone;
  }

  public Long getBytesTotal() {
    return bytesTotal;
  }

  public void setBytesTotal(Long bytesTotal) {
    this.bytesTotal = bytesTotal;
  }

  public Long getBytesFromPeers() {
    return bytesFromPeers;
  }

  public void setBytesFromPeers(Long bytesFromPeers) {
    this.bytesFromPeers = bytesFromPeers;
  }

  public Long getBytesFromRegistry() {
    return bytesFromRegistry;
  }

  public void setBytesFromRegistry(Long bytesFromRegistry) {
    this.bytesFromRegistry = bytesFromRegistry;
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

  public String getResolvedDigest() {
    return resolvedDigest;
  }

  public void setResolvedDigest(String resolvedDigest) {
    this.resolvedDigest = resolvedDigest;
  }

  public List<Layer> getLayers() {
    return layers;
  }

  public void setLayers(List<Layer> layers) {
    this.layers = layers;
  }

  public String getLastUpdate() {
    return lastUpdate;
  }

  public void setLastUpdate(String lastUpdate) {
    this.lastUpdate = lastUpdate;
  }
}
