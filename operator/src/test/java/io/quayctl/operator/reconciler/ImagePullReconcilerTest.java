package io.quayctl.operator.reconciler;

import static io.quayctl.operator.testing.ClusterFixtures.DIGEST;
import static io.quayctl.operator.testing.ClusterFixtures.LAYERS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quayctl.api.v1alpha1.ImagePull;
import io.quayctl.api.v1alpha1.ImagePullPhase;
import io.quayctl.api.v1alpha1.ImagePullStatus;
import io.quayctl.api.v1alpha1.NodeImage;
import io.quayctl.api.v1alpha1.NodeImageEntry;
import io.quayctl.api.v1alpha1.NodeImageEntryStatus;
import io.quayctl.api.v1alpha1.NodeImagePhase;
import io.quayctl.api.v1alpha1.NodeImageStatus;
import io.quayctl.api.v1alpha1.NodeRole;
import io.quayctl.operator.OperatorMain;
import io.quayctl.operator.OperatorOptions;
import io.quayctl.operator.status.Conditions;
import io.quayctl.operator.testing.ClusterFixtures;
import io.quayctl.operator.testing.MockApiServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real JOSDK operator (as {@link OperatorMain} wires it) against Fabric8's mock API server in
 * CRUD mode; the tests play the node agents by writing NodeImage status.
 */
class ImagePullReconcilerTest {
  private static final String NS = "apps";
  private static final Map<String, String> WORKERS = Map.of("pool", "workers");
  private static final Duration WAIT = Duration.ofSeconds(20);

  private MockApiServer api;
  private KubernetesClient client;
  private OperatorMain operator;

  @BeforeEach
  void startOperator() throws Exception {
    api = MockApiServer.start();
    client = api.client();
    operator =
        OperatorMain.start(
            api.newClient(),
            OperatorOptions.parse(
                Map.of(), "--leader-election=false", "--health-port=0", "--metrics-port=0"),
            Clock.systemUTC());
  }

  @AfterEach
  void stopOperator() {
    if (operator != null) {
      operator.close();
    }
    api.close();
  }

  @Test
  void resolvesOnTheBastionThenRollsOutToWorkersAndCleansUpOnDelete() throws Exception {
    create(ClusterFixtures.bastion("bastion-1"));
    create(ClusterFixtures.node("worker-1", WORKERS));
    create(ClusterFixtures.node("worker-2", WORKERS));
    create(ClusterFixtures.notReady("worker-3", WORKERS));
    client
        .secrets()
        .inNamespace(NS)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("regcred")
                .withNamespace(NS)
                .endMetadata()
                .withType("kubernetes.io/dockerconfigjson")
                .addToStringData(".dockerconfigjson", "{\"auths\":{}}")
                .build())
        .create();
    ImagePull pull = ClusterFixtures.imagePull(NS, "app");
    pull.getMetadata().setUid(null);
    pull.getSpec().setPullSecrets(List.of("regcred"));
    client.resource(pull).create();

    // 1. Only the bastion gets an entry: it resolves, fetches and seeds, but is no target.
    NodeImageEntry resolve = awaitEntry("bastion-1", e -> true);
    assertThat(resolve.getResolver()).isTrue();
    assertThat(resolve.getRole()).isEqualTo(NodeRole.Bastion);
    assertThat(resolve.getImportToRuntime()).isFalse();
    assertThat(resolve.getResolvedDigest()).isNull();
    assertThat(resolve.getPullSecrets())
        .extracting(s -> s.getNamespace() + "/" + s.getName())
        .containsExactly(NS + "/regcred");
    assertThat(resolve.getAttempt()).isEqualTo(1);
    ImagePullStatus resolving = awaitStatus(s -> s.getPhase() == ImagePullPhase.Resolving);
    assertThat(resolving.getReady()).isEqualTo("0/2");
    assertThat(resolving.getSkippedNodes())
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.getNode()).isEqualTo("worker-3");
              assertThat(n.getReason()).isEqualTo("NotReady");
            });
    assertThat(client.resources(NodeImage.class).withName("worker-1").get()).isNull();

    // 2. The bastion agent reports digest and layers; workers get entries carrying them.
    report("bastion-1", NodeImagePhase.Seeding);
    NodeImageEntry w1 = awaitEntry("worker-1", e -> e.getResolvedDigest() != null);
    NodeImageEntry w2 = awaitEntry("worker-2", e -> e.getResolvedDigest() != null);
    for (NodeImageEntry w : List.of(w1, w2)) {
      assertThat(w.getResolvedDigest()).isEqualTo(DIGEST);
      assertThat(w.getLayers())
          .extracting(l -> l.getInfohash())
          .containsExactlyElementsOf(LAYERS.stream().map(l -> l.getInfohash()).toList());
      assertThat(w.getRole()).isEqualTo(NodeRole.Worker);
      assertThat(w.getPullSecrets()).isEmpty();
      assertThat(w.getPlatform()).isEqualTo("linux/amd64");
    }
    NodeImage worker1 = client.resources(NodeImage.class).withName("worker-1").get();
    assertThat(worker1.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getKind() + "/" + o.getName()).isEqualTo("Node/worker-1"));
    ImagePullStatus pulling = awaitStatus(s -> s.getPhase() == ImagePullPhase.Pulling);
    assertThat(pulling.getResolvedDigest()).isEqualTo(DIGEST);
    assertThat(condition(pulling, "Resolved")).isEqualTo("True");
    assertThat(condition(pulling, "Progressing")).isEqualTo("True");
    assertThat(pulling.getPulling()).isEqualTo(2);

    // 3. Workers complete.
    report("worker-1", NodeImagePhase.Seeding);
    report("worker-2", NodeImagePhase.Complete);
    ImagePullStatus complete = awaitStatus(s -> s.getPhase() == ImagePullPhase.Complete);
    assertThat(complete.getReady()).isEqualTo("2/2");
    assertThat(complete.getSucceeded()).isEqualTo(2);
    assertThat(complete.getBytesFromRegistry()).isEqualTo(3000L);
    assertThat(complete.getBytesFromPeers()).isEqualTo(6000L);
    assertThat(complete.getCompletionTime()).isNotNull();
    assertThat(condition(complete, "Complete")).isEqualTo("True");
    assertThat(condition(complete, "Progressing")).isEqualTo("False");
    await()
        .atMost(WAIT)
        .until(() -> eventReasons().containsAll(List.of("Started", "Resolved", "Complete")));

    // 4. A node that joins later and matches gets the image.
    create(ClusterFixtures.node("worker-4", WORKERS));
    awaitEntry("worker-4", e -> DIGEST.equals(e.getResolvedDigest()));
    ImagePullStatus grown = awaitStatus(s -> "2/3".equals(s.getReady()));
    assertThat(grown.getPhase()).isEqualTo(ImagePullPhase.Pulling);

    // 5. The operator's own endpoints answer.
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + operator.healthPort();
    assertThat(get(http, base + "/healthz").statusCode()).isEqualTo(200);
    await().atMost(WAIT).until(() -> get(http, base + "/readyz").statusCode() == 200);
    String metrics = get(http, "http://127.0.0.1:" + operator.metricsPort() + "/metrics").body();
    assertThat(metrics)
        .contains("quayctl_operator_reconciles_total{result=\"success\"}")
        .contains("quayctl_imagepulls{phase=\"Pulling\"} 1.0")
        .contains("jvm_memory_used_bytes");

    // 6. Deleting the ImagePull removes its entry from every NodeImage, then the ImagePull goes.
    client.resources(ImagePull.class).inNamespace(NS).withName("app").delete();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              for (NodeImage ni : client.resources(NodeImage.class).list().getItems()) {
                assertThat(ni.getSpec().getImages()).as(ni.getMetadata().getName()).isEmpty();
              }
              assertThat(client.resources(ImagePull.class).inNamespace(NS).withName("app").get())
                  .isNull();
            });
  }

  @Test
  void parallelismOneHandsOutOneWorkerAtATimeAndReportsFailedNodes() {
    create(ClusterFixtures.bastion("bastion-1"));
    create(ClusterFixtures.node("worker-1", WORKERS));
    create(ClusterFixtures.node("worker-2", WORKERS));
    ImagePull pull = ClusterFixtures.imagePull(NS, "one-by-one");
    pull.getMetadata().setUid(null);
    pull.getSpec().setParallelism(new IntOrString(1));
    pull.getSpec().setBackoffLimit(0);
    client.resource(pull).create();

    awaitEntry("bastion-1", e -> true);
    report("bastion-1", NodeImagePhase.Seeding);
    awaitEntry("worker-1", e -> e.getResolvedDigest() != null);
    ImagePullStatus first = awaitStatus(s -> s.getPhase() == ImagePullPhase.Pulling);
    assertThat(first.getPulling()).isEqualTo(1);
    assertThat(entry("worker-2")).isEmpty();

    failReport("worker-1", "BlobDigestMismatch", "layer sha256:aaaa did not verify");
    awaitEntry("worker-2", e -> e.getResolvedDigest() != null);
    ImagePullStatus second = awaitStatus(s -> s.getFailed() == 1);
    assertThat(second.getFailedNodes())
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.getNode()).isEqualTo("worker-1");
              assertThat(n.getReason()).isEqualTo("BlobDigestMismatch");
              assertThat(n.getMessage()).contains("did not verify");
            });
    assertThat(second.getPulling()).isEqualTo(1);

    report("worker-2", NodeImagePhase.Complete);
    ImagePullStatus done = awaitStatus(s -> s.getPhase() == ImagePullPhase.Failed);
    assertThat(done.getReady()).isEqualTo("1/2");
    assertThat(condition(done, "Failed")).isEqualTo("True");
    assertThat(done.getConditions())
        .filteredOn(c -> c.getType().equals("Failed"))
        .singleElement()
        .satisfies(c -> assertThat(c.getReason()).isEqualTo("NodesFailed"));
    await().atMost(WAIT).until(() -> eventReasons().contains("NodeFailed"));
  }

  @Test
  void reportsWhatOnlyTheOperatorCanJudge() {
    create(ClusterFixtures.node("worker-1", WORKERS));

    ImagePull noBastion = ClusterFixtures.imagePull(NS, "no-bastion");
    noBastion.getMetadata().setUid(null);
    client.resource(noBastion).create();
    ImagePullStatus pending =
        awaitStatus("no-bastion", s -> s.getPhase() == ImagePullPhase.Pending);
    assertThat(Conditions.find(pending.getConditions(), "Resolved"))
        .hasValueSatisfying(
            c -> {
              assertThat(c.getStatus()).isEqualTo("False");
              assertThat(c.getReason()).isEqualTo("NoBastion");
              assertThat(c.getMessage()).contains("quayctl.io/bastion=true");
            });

    create(ClusterFixtures.bastion("bastion-1"));
    awaitStatus("no-bastion", s -> s.getPhase() == ImagePullPhase.Resolving);

    ImagePull invalid = ClusterFixtures.imagePull(NS, "invalid");
    invalid.getMetadata().setUid(null);
    invalid.getSpec().setImage("Registry.Example.com/Team/App:1.2");
    client.resource(invalid).create();
    ImagePullStatus bad = awaitStatus("invalid", s -> s.getPhase() == ImagePullPhase.Failed);
    assertThat(reason(bad, "Failed")).isEqualTo("InvalidImage");

    assertThat(entry("bastion-1").map(NodeImageEntry::getKey)).hasValue(NS + "/no-bastion");
  }

  @Test
  void aPullSecretTheBastionCannotUseFailsThePullWithTheBastionsReason() {
    create(ClusterFixtures.bastion("bastion-1"));
    create(ClusterFixtures.node("worker-1", WORKERS));
    ImagePull pull = ClusterFixtures.imagePull(NS, "secretless");
    pull.getMetadata().setUid(null);
    pull.getSpec().setPullSecrets(List.of("nope"));
    pull.getSpec().setBackoffLimit(0);
    client.resource(pull).create();

    // The operator never reads Secrets: the bastion gets its entry with the secret's name.
    NodeImageEntry resolve = awaitEntry("bastion-1", e -> true);
    assertThat(resolve.getPullSecrets())
        .extracting(s -> s.getNamespace() + "/" + s.getName())
        .containsExactly(NS + "/nope");
    failReport("bastion-1", "SecretNotFound", "pull secret apps/nope not found");

    ImagePullStatus failed = awaitStatus("secretless", s -> s.getPhase() == ImagePullPhase.Failed);
    assertThat(reason(failed, "Failed")).isEqualTo("SecretNotFound");
    assertThat(Conditions.find(failed.getConditions(), "Failed").get().getMessage())
        .contains("nope");
  }

  private void create(Node node) {
    client.resource(node).create();
  }

  private Optional<NodeImageEntry> entry(String node) {
    NodeImage ni = client.resources(NodeImage.class).withName(node).get();
    if (ni == null || ni.getSpec() == null) {
      return Optional.empty();
    }
    return ni.getSpec().getImages().stream().findFirst();
  }

  private NodeImageEntry awaitEntry(String node, Predicate<NodeImageEntry> test) {
    return await().atMost(WAIT).until(() -> entry(node).filter(test).orElse(null), e -> e != null);
  }

  /** Waits until the namespace's only ImagePull has a status passing {@code test}. */
  private ImagePullStatus awaitStatus(Predicate<ImagePullStatus> test) {
    return await()
        .atMost(WAIT)
        .until(
            () ->
                client.resources(ImagePull.class).inNamespace(NS).list().getItems().stream()
                    .map(ImagePull::getStatus)
                    .filter(s -> s != null && s.getPhase() != null && test.test(s))
                    .findFirst()
                    .orElse(null),
            s -> s != null);
  }

  private ImagePullStatus awaitStatus(String name, Predicate<ImagePullStatus> test) {
    return await()
        .atMost(WAIT)
        .until(
            () -> {
              ImagePull p = client.resources(ImagePull.class).inNamespace(NS).withName(name).get();
              return p == null || p.getStatus() == null || p.getStatus().getPhase() == null
                  ? null
                  : test.test(p.getStatus()) ? p.getStatus() : null;
            },
            s -> s != null);
  }

  /** Plays the node's agent: reports {@code phase} for the node's (only) entry. */
  private void report(String node, NodeImagePhase phase) {
    writeStatus(node, e -> ClusterFixtures.report(e, phase));
  }

  private void failReport(String node, String reason, String message) {
    writeStatus(
        node,
        e -> {
          NodeImageEntryStatus s = ClusterFixtures.report(e, NodeImagePhase.Failed);
          s.setReason(reason);
          s.setMessage(message);
          return s;
        });
  }

  private void writeStatus(String node, Function<NodeImageEntry, NodeImageEntryStatus> reportFor) {
    await()
        .atMost(WAIT)
        .ignoreException(KubernetesClientException.class)
        .until(
            () -> {
              NodeImage ni = client.resources(NodeImage.class).withName(node).get();
              NodeImageStatus status = new NodeImageStatus();
              status.setImages(
                  new ArrayList<>(
                      ni.getSpec().getImages().stream()
                          .map(reportFor)
                          .collect(Collectors.toList())));
              ni.setStatus(status);
              client.resource(ni).updateStatus();
              return true;
            });
  }

  private List<String> eventReasons() {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .map(e -> e.getReason())
        .collect(Collectors.toList());
  }

  private static String condition(ImagePullStatus s, String type) {
    return Conditions.find(s.getConditions(), type).map(c -> c.getStatus()).orElse(null);
  }

  private static String reason(ImagePullStatus s, String type) {
    return Conditions.find(s.getConditions(), type).map(c -> c.getReason()).orElse(null);
  }

  private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
