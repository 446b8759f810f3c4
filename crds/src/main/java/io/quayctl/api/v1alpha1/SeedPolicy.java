package io.quayctl.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;

/** How long a node keeps seeding an image once it has it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SeedPolicy {
  /** A Go-style duration such as {@code 90s}, {@code 30m} or {@code 1h30m}. */
  public static final String DURATION_PATTERN = "^([0-9]+(\\.[0-9]+)?(ns|us|ms|s|m|h))+$";

  @JsonPropertyDescription(
      "How long to seed after the image is complete, as a Go duration (e.g. 30m, 1h30m)."
          + " Absent: seed for as long as the ImagePull exists.")
  @Pattern(DURATION_PATTERN)
  private String duration;

  public SeedPolicy() {}

  public SeedPolicy(String duration) {
    this.duration = duration;
  }

  public String getDuration() {
    return duration;
  }

  public void setDuration(String duration) {
    this.duration = duration;
  }
}
