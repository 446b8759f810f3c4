package io.quayctl.api.v1alpha1;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The CRDs as the build generated them into the classpath. */
final class GeneratedCrds {
  static final String IMAGE_PULLS = "imagepulls.quayctl.io-v1.yml";
  static final String NODE_IMAGES = "nodeimages.quayctl.io-v1.yml";

  private GeneratedCrds() {}

  static byte[] bytes(String file) {
    try (InputStream in = resource(file)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static CustomResourceDefinition load(String file) {
    try (InputStream in = resource(file)) {
      return Serialization.unmarshal(in, CustomResourceDefinition.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path chartCopy(String file) {
    String dir = System.getProperty("quayctl.helmCrdsDir", "../helm/quayctl/crds");
    return Path.of(dir).resolve(file);
  }

  static boolean chartCopyExists(String file) {
    return Files.isRegularFile(chartCopy(file));
  }

  private static InputStream resource(String file) {
    InputStream in = GeneratedCrds.class.getResourceAsStream("/META-INF/fabric8/" + file);
    if (in == null) {
      throw new IllegalStateException(
          "META-INF/fabric8/" + file + " is not on the classpath: did crd-generator run?");
    }
    return in;
  }
}
