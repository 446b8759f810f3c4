package io.quayctl.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** What the image resolved to and how far the nodes are; written by the operator only. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ImagePullStatus {
  private Long observedGeneration;
  private ImagePullPhase phase;

  @JsonPropertyDescription("Succeeded nodes out of desired nodes, e.g. 7/8.")
  private String ready;

  @JsonPropertyDescription("The manifest digest the image reference resolved to.")
  private String resolvedDigest;

  private List<Layer> layers = new ArrayList<>();

  @JsonPropertyDescription("Nodes selected and able to take the image.")
  private Integer desired;

  private Integer pulling;
  private Integer succeeded;
  private Integer failed;
  private List<NodeReason> failedNodes = new ArrayList<>();

  @JsonPropertyDescription("Selected nodes that were not given the image, and why.")
  private List<NodeReason> skippedNodes = new ArrayList<>();

  private Long bytesFromPeers;
  private Long bytesFromRegistry;

  @JsonPropertyDescription("When the operator first handed the image to a node (RFC 3339).")
  private String startTime;

  @JsonPropertyDescription("When every desired node last had the image (RFC 3339).")
  private String completionTime;

  private List<Condition> conditions = new ArrayList<>();

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public ImagePullPhase getPhase() {
    return phase;
  }

  public void setPhase(ImagePullPhase phase) {
    this.phase = phase;
  }

  public String getReady() {
    return ready;
  }

  public void setReady(String ready) {
    this.ready = ready;
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

  public Integer getDesired() {
    return desired;
  }

  public void setDesired(Integer desired) {
    this.desired = desired;
  }

  public Integer getPulling() {
    return pulling;
  }

  public void setPulling(Integer pulling) {
    this.pulling = pulling;
  }

  public Integer getSucceeded() {
    return succeeded;
  }

  public void setSucceeded(Integer succeeded) {
    this.succeeded = succeeded;
  }

  public Integer getFailed() {
    return failed;
  }

  public void setFailed(Integer failed) {
    this.failed = failed;
  }

  public List<NodeReason> getFailedNodes() {
    return failedNodes;
  }

  public void setFailedNodes(List<NodeReason> failedNodes) {
    this.failedNodes = failedNodes;
  }

  public List<NodeReason> getSkippedNodes() {
    return skippedNodes;
  }

  public void setSkippedNodes(List<NodeReason> skippedNodes) {
    this.skippedNodes = skippedNodes;
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

  public String getStartTime() {
    return startTime;
  }

  public void setStartTime(String startTime) {
    this.startTime = startTime;
  }

  public String getCompletionTime() {
    return completionTime;
  }

  public void setCompletionTime(String completionTime) {
    this.completionTime = completionTime;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }
}
