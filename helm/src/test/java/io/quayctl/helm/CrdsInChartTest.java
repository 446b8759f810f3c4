package io.quayctl.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CRDs Helm installs from {@code crds/}. They are generated from the API types by the {@code
 * crds} module and copied here; {@code helm template} leaves that directory out, so the files are
 * read directly.
 */
class CrdsInChartTest {
  private static final Path CRDS_DIR = RenderedChart.CHART_DIR.resolve("crds");

  private static Map<String, CustomResourceDefinition> crds;

  @BeforeAll
  static void readCrds() throws IOException {
    List<Path> files;
    try (Stream<Path> listing =
        Files.isDirectory(CRDS_DIR) ? Files.list(CRDS_DIR) : Stream.empty()) {
      files =
          listing
              .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
              .sorted()
              .toList();
    }
    if (files.isEmpty()) {
      fail(
          "No CRD files in %s. The chart installs the ImagePull and NodeImage CRDs from there:"
              + " build the crds module (it generates imagepulls.quayctl.io-v1.yml and"
              + " nodeimages.quayctl.io-v1.yml) and copy them into helm/quayctl/crds/.",
          CRDS_DIR);
    }
    crds =
        files.stream()
            .map(CrdsInChartTest::read)
            .collect(Collectors.toMap(c -> c.getMetadata().getName(), Function.identity()));
  }

  @Test
  void declaresImagePullAndNodeImage() {
    assertThat(crds).containsOnlyKeys("imagepulls.quayctl.io", "nodeimages.quayctl.io");
    assertThat(crds.values())
        .allSatisfy(c -> assertThat(c.getSpec().getGroup()).isEqualTo("quayctl.io"));
  }

  @Test
  void imagePullsAreNamespacedAndNodeImagesClusterScoped() {
    assertThat(crds.get("imagepulls.quayctl.io").getSpec().getScope()).isEqualTo("Namespaced");
    assertThat(crds.get("nodeimages.quayctl.io").getSpec().getScope()).isEqualTo("Cluster");
  }

  @Test
  void servesV1alpha1WithAStatusSubresource() {
    for (CustomResourceDefinition crd : crds.values()) {
      CustomResourceDefinitionVersion version =
          crd.getSpec().getVersions().stream()
              .filter(v -> v.getName().equals("v1alpha1"))
              .findFirst()
              .orElseThrow(() -> new AssertionError(crd.getMetadata().getName() + ": no v1alpha1"));
      assertThat(version.getServed()).isTrue();
      assertThat(version.getStorage()).isTrue();
      // Agents and the operator write status through the subresource; without it an update of
      // the object overwrites the status.
      assertThat(version.getSubresources())
          .as("%s subresources", crd.getMetadata().getName())
          .isNotNull();
      assertThat(version.getSubresources().getStatus()).isNotNull();
      assertThat(version.getSchema().getOpenAPIV3Schema().getProperties())
          .containsKeys("spec", "status");
    }
  }

  @Test
  void kubectlGetImagePullsShowsProgressColumns() {
    CustomResourceDefinitionVersion version =
        crds.get("imagepulls.quayctl.io").getSpec().getVersions().get(0);

    assertThat(version.getAdditionalPrinterColumns()).isNotEmpty();
  }

  private static CustomResourceDefinition read(Path file) {
    String yaml;
    try {
      yaml = Files.readString(file);
    } catch (IOException e) {
      throw new AssertionError("Cannot read " + file, e);
    }
    CustomResourceDefinition crd = RenderedChart.unmarshal(yaml, CustomResourceDefinition.class);
    assertThat(crd.getApiVersion())
        .as("%s apiVersion", file.getFileName())
        .isEqualTo("apiextensions.k8s.io/v1");
    assertThat(crd.getKind())
        .as("%s kind", file.getFileName())
        .isEqualTo("CustomResourceDefinition");
    return crd;
  }
}
