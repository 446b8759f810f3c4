package io.quayctl.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import java.util.ArrayList;
import java.util.List;

/** One image a node must have, as the operator hands it to the node's agent. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NodeImageEntry {
  @JsonPropertyDescription(
      "namespace/name of the ImagePull; the status entry carries the same key.")
  @Required
  private String key;

  @Required private ImagePullRef imagePull;

  @Required private String image;

  @JsonPropertyDescription(
      "Set once a bastion has resolved the image: fetch exactly this manifest; absent on the"
          + " resolver's entry until then.")
  private String resolvedDigest;

  private List<Layer> layers = new ArrayList<>();

  @Required private String platform;

  private ImageFormat format;

  @Required private NodeRole role;

  @JsonPropertyDescription(
      "This node resolves the reference (Bastion role only) and reports digest and layers in"
          + " its status.")
  private Boolean resolver;

  @JsonPropertyDescription(
      "false: fetch and seed for the other nodes, but do not import into the runtime (a"
          + " resolver that is not itself a selected node).")
  private Boolean importToRuntime;

  private SeedPolicy seed;

  private RuntimeKind runtime;

  private List<String> trackers = new ArrayList<>();

  @JsonPropertyDescription("Pull secrets; only given to bastions.")
  private List<SecretRef> pullSecrets = new ArrayList<>();

  @JsonPropertyDescription(
      "Starts at 1; the operator raises it to ask for a retry after a failure or timeout.")
  @Min(1)
  private Integer attempt;

  @JsonPropertyDescription("When the operator handed out this attempt (RFC 3339).")
  private String assignedTime;

  public String getKey() {
    return key;
  }

  public void setKey(String key) {
    this.key = key;
  }

  public ImagePullRef getImagePull() {
    return imagePull;
  }

  public void setImagePull(ImagePullRef imagePull) {
    this.imagePull = imagePull;
  }

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
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

  public String getPlatform() {
    return platform;
  }

  public void setPlatform(String platform) {
    this.platform = platform;
  }

  public ImageFormat getFormat() {
    return format;
  }

  public void setFormat(ImageFormat format) {
    this.format = format;
  }

  public NodeRole getRole() {
    return role;
  }

  public void setRole(NodeRole role) {
    this.role = role;
  }

  public Boolean getResolver() {
    return resolver;
  }

  public void setResolver(Boolean resolver) {
    this.resolver = resolver;
  }

  public Boolean getImportToRuntime() {
    return importToRuntime;
  }

  public void setImportToRuntime(Boolean importToRuntime) {
    this.importToRuntime = importToRuntime;
  }

  public SeedPolicy getSeed() {
    return seed;
  }

  public void setSeed(SeedPolicy seed) {
    this.seed = seed;
  }

  public RuntimeKind getRuntime() {
    return runtime;
  }

  public void setRuntime(RuntimeKind runtime) {
    this.runtime = runtime;
  }

  public List<String> getTrackers() {
    return trackers;
  }

  public void setTrackers(List<String> trackers) {
    this.trackers = trackers;
  }

  public List<SecretRef> getPullSecrets() {
    return pullSecrets;
  }

  public void setPullSecrets(List<SecretRef> pullSecrets) {
    this.pullSecrets = pullSecrets;
  }

  public Integer getAttempt() {
    return attempt;
  }

  public void setAttempt(Integer attempt) {
    this.attempt = attempt;
  }

  public String getAssignedTime() {
    return assignedTime;
  }

  public void setAssignedTime(String assignedTime) {
    this.assignedTime = assignedTime;
  }
}
