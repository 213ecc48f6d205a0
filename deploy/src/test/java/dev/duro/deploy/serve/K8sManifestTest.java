package dev.duro.deploy.serve;

import dev.duro.deploy.config.ClusterFile;
import dev.duro.deploy.config.ClusterFileParser;
import dev.duro.model.world.NodeId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Kubernetes manifest's cluster file is one {@code duro node} accepts, and every pod name of the
 * StatefulSet maps to its member (k8s/check.py checks the rest of the manifest offline).
 */
class K8sManifestTest {
    @TempDir
    Path tmp;

    @Test
    void theConfigMapsClusterFileParsesAndPodNamesAreMembers() throws Exception {
        Path manifest = Path.of(System.getProperty("user.dir")).getParent().resolve("k8s").resolve("duro.yaml");
        String toml = literalBlock(Files.readAllLines(manifest), "cluster.toml: |");
        Path secret = tmp.resolve("secret");
        Files.writeString(secret, "a secret of thirty-two characters\n");
        ClusterFile file = ClusterFileParser.parse("duro.yaml cluster.toml",
                toml.replace("/etc/duro-secret/secret", secret.toString()), tmp);
        assertThat(file.replicas()).isEqualTo(3);
        assertThat(file.dataDir()).isEqualTo(Path.of("/data"));
        for (int i = 0; i < 3; i++) {
            NodeId id = NodeSpecs.parseId("duro-" + i);
            assertThat(id).isEqualTo(NodeId.of(i));
            assertThat(file.member(id).host()).isEqualTo("duro-" + i + ".duro");
            ServedNode.Spec spec = NodeSpecs.of(file, id, "0.0.0.0", dev.duro.deploy.example.ExampleApp::deployment,
                    dev.duro.deploy.example.ExampleApp.worker(), dev.duro.deploy.http.HttpOptions.defaults());
            assertThat(spec.peers().get(NodeId.of((i + 1) % 3)).isUnresolved()).as("DNS names resolve at connect time").isTrue();
            assertThat(spec.dataDir()).isEqualTo(Path.of("/data", "n" + i));
        }
        assertThatThrownBy(() -> file.member(NodeSpecs.parseId("duro-3"))).hasMessageContaining("n3 is not a member");
    }

    /** The lines of a YAML literal block ({@code key: |}), without their common indentation. */
    private static String literalBlock(List<String> lines, String header) {
        int start = -1;
        for (int i = 0; i < lines.size(); i++) if (lines.get(i).strip().equals(header)) start = i + 1;
        assertThat(start).as("the manifest has a %s block", header).isPositive();
        int indent = -1;
        List<String> out = new ArrayList<>();
        for (int i = start; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.isBlank()) {
                out.add("");
                continue;
            }
            int lead = l.length() - l.stripLeading().length();
            if (indent < 0) indent = lead;
            if (lead < indent) break;
            out.add(l.substring(indent));
        }
        return String.join("\n", out) + "\n";
    }
}
