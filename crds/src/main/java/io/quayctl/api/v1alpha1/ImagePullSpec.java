package io.quayctl.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.List;

/** What to pull, onto which nodes, and how. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ImagePullSpec {
  public static final int DEFAULT_BACKOFF_LIMIT = 3;
  public static final String PLATFORM_PATTERN = "^[a-z0-9]+/[a-z0-9_]+(/[a-z0-9.]+)?$";

  @JsonPropertyDescription(
      "The image reference, e.g. registry.example.com/team/app:1.2 or app@sha256:<hex>.")
  @Required
  @Pattern("^\\S+$")
  private String image;

  @JsonPropertyDescription(
      "Nodes whose labels match. With nodeNames as well, a node is selected when either matches;"
          + " with neither, every node is selected.")
  private LabelSelector nodeSelector;

  @JsonPropertyDescription("Nodes selected by name.")
  private List<String> nodeNames;

  @JsonPropertyDescription(
      "The platform to pull (os/arch[/variant], e.g. linux/arm64). Default: each node's own.")
  @Pattern(PLATFORM_PATTERN)
  private String platform;

  @JsonPropertyDescription("layers: one torrent per layer; squashed: one squashed layer.")
  @Default("layers")
  private ImageFormat format;

  @JsonPropertyDescription(
      "Names of docker-registry Secrets in this namespace; only bastion nodes receive them.")
  private List<String> pullSecrets;

  @JsonPropertyDescription("How long nodes seed the image once they have it.")
  private SeedPolicy seed;

  @JsonPropertyDescription(
      "How many nodes pull at once: a number, or a percentage of the selected nodes (at least"
          + " one). Default: all at once.")
  @ValidationRule(
      value = "type(self) == int ? self >= 1 : self.matches('^[1-9][0-9]*%$')",
      message = "parallelism must be a positive integer or a percentage such as 25%")
  private IntOrString parallelism;

  @JsonPropertyDescription(
      "Seconds one node may take for one attempt before it counts as failed. Default: no limit.")
  @Min(1)
  private Long timeoutSeconds;

  @JsonPropertyDescription("Retries per node before the node is reported as failed.")
  @Min(0)
  @Default("3")
  private Integer backoffLimit;

  @JsonPropertyDescription("The container runtime to import into.")
  @Default("auto")
  private RuntimeKind runtime;

  @JsonPropertyDescription("Tracker announce URLs to use instead of the operator's own tracker.")
  private List<String> trackers;

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  public LabelSelector getNodeSelector() {
    return nodeSelector;
  }

  public void setNodeSelector(LabelSelector nodeSelector) {
    this.nodeSelector = nodeSelector;
  }

  public List<String> getNodeNames() {
    return nodeNames;
  }

  public void setNodeNames(List<String> nodeNames) {
    this.nodeNames = nodeNames;
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

  public List<String> getPullSecrets() {
    return pullSecrets;
  }

  public void setPullSecrets(List<String> pullSecrets) {
    this.pullSecrets = pullSecrets;
  }

  public SeedPolicy getSeed() {
    return seed;
  }

  public void setSeed(SeedPolicy seed) {
    this.seed = seed;
  }

  public IntOrString getParallelism() {
    return parallelism;
  }

  public void setParallelism(IntOrString parallelism) {
    this.parallelism = parallelism;
  }

  public Long getTimeoutSeconds() {
    return timeoutSeconds;
  }

  public void setTimeoutSeconds(Long timeoutSeconds) {
    this.timeoutSeconds = timeoutSeconds;
  }

  public Integer getBackoffLimit() {
    return backoffLimit;
  }

  public void setBackoffLimit(Integer backoffLimit) {
    this.backoffLimit = backoffLimit;
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
}
