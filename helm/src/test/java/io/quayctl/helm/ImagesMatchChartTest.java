package io.quayctl.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/** The images the parent pom's {@code images} profile builds are the ones the chart installs. */
class ImagesMatchChartTest {
  private static final Path PARENT_POM =
      Path.of(System.getProperty("quayctl.parent.pom", "../pom.xml")).toAbsolutePath();

  @Test
  void jibProfileBuildsTheImagesTheChartInstalls() throws Exception {
    Map<String, String> profile = imagesProfileProperties();
    Map<String, Object> values = yaml(RenderedChart.CHART_DIR.resolve("values.yaml"));
    Map<String, Object> chart = yaml(RenderedChart.CHART_DIR.resolve("Chart.yaml"));

    String registry = profile.get("quayctl.image.registry");
    assertThat(registry + "/" + profile.get("quayctl.image.operator"))
        .isEqualTo(at(values, "operator", "image", "repository"));
    assertThat(registry + "/" + profile.get("quayctl.image.agent"))
        .isEqualTo(at(values, "agent", "image", "repository"));
    assertThat(profile.get("quayctl.image.tag")).isEqualTo(chart.get("appVersion"));
  }

  private static Map<String, String> imagesProfileProperties() throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    Element project = factory.newDocumentBuilder().parse(PARENT_POM.toFile()).getDocumentElement();
    NodeList profiles = project.getElementsByTagName("profile");
    for (int i = 0; i < profiles.getLength(); i++) {
      Element profile = (Element) profiles.item(i);
      if (!"images".equals(child(profile, "id").getTextContent().trim())) {
        continue;
      }
      Map<String, String> properties = new HashMap<>();
      NodeList entries = child(profile, "properties").getChildNodes();
      for (int j = 0; j < entries.getLength(); j++) {
        Node entry = entries.item(j);
        if (entry.getNodeType() == Node.ELEMENT_NODE) {
          properties.put(entry.getNodeName(), entry.getTextContent().trim());
        }
      }
      return properties;
    }
    throw new AssertionError("No profile 'images' in " + PARENT_POM);
  }

  private static Element child(Element parent, String name) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(name)) {
        return e;
      }
    }
    throw new AssertionError("No <" + name + "> in <" + parent.getTagName() + ">");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> yaml(Path file) throws Exception {
    return RenderedChart.unmarshal(Files.readString(file), Map.class);
  }

  @SuppressWarnings("unchecked")
  private static Object at(Map<String, Object> map, String... keys) {
    Object value = map;
    for (String key : keys) {
      value = ((Map<String, Object>) value).get(key);
    }
    return value;
  }
}
