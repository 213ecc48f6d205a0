package dev.duro.deploy.config;

import dev.duro.model.world.NodeId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClusterFileParserTest {
    @TempDir
    Path dir;

    private static final String HEAD = """
            # a three-node cluster
            replicas = 3
            lease_ms = 3_000
            drift_bound_ppm = 500
            data_dir = "data"          # relative to the file
            secret = "0123456789abcdef-a # not a comment"
            """;

    private static String member(int i, String extra) {
        return "\n[[member]]\nid = \"n" + i + "\"\nhost = \"127.0.0.1\"\nnode_port = " + (7100 + i) + "\nhttp_port = " + (8787 + i)
                + "\n" + extra;
    }

    private static final String GOOD = HEAD + member(2, "") + member(0, "") + member(1, "");

    private ClusterFile parse(String text) {
        return ClusterFileParser.parse("cluster.toml", text, dir);
    }

    @Test
    void readsAGoodFile() {
        ClusterFile f = parse(GOOD);
        assertThat(f.members()).extracting(Member::id).containsExactly(NodeId.of(0), NodeId.of(1), NodeId.of(2));
        assertThat(f.replicas()).isEqualTo(3);
        assertThat(f.leaseMillis()).isEqualTo(3_000);
        assertThat(f.driftBoundPpm()).isEqualTo(500);
        assertThat(f.dataDir()).isEqualTo(dir.resolve("data"));
        assertThat(f.nodeDataDir(NodeId.of(1))).isEqualTo(dir.resolve("data").resolve("n1"));
        assertThat(new String(f.secret())).isEqualTo("0123456789abcdef-a # not a comment");
        assertThat(f.member(NodeId.of(1)).httpPort()).isEqualTo(8788);
        assertThat(f.cluster().replicas()).isEqualTo(3);
        assertThat(f.cluster().members()).hasSize(3);
        assertThat(f.clusterSecret()).isNotEqualTo(f.deploymentSecret()).hasSize(32);
        assertThat(f.toString()).doesNotContain("0123456789abcdef");
    }

    @Test
    void defaultsLeaseAndDriftAndReadsTheSecretFromAFile() throws Exception {
        Files.writeString(dir.resolve("secret"), "a-secret-of-twenty-bytes\n");
        ClusterFile f = parse("replicas = 1\ndata_dir = \"/d\"\nsecret_file = \"secret\"\n" + member(0, "location = \"eu\"\n"));
        assertThat(f.leaseMillis()).isEqualTo(ClusterFileParser.DEFAULT_LEASE_MILLIS);
        assertThat(f.driftBoundPpm()).isEqualTo(ClusterFileParser.DEFAULT_DRIFT_BOUND_PPM);
        assertThat(new String(f.secret())).isEqualTo("a-secret-of-twenty-bytes");
        assertThat(f.cluster().locationOf(NodeId.of(0))).contains("eu");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        // class of error | edit (FROM=>TO on the good file) | expected message
        "syntax: no equals sign     | replicas = 3=>replicas 3                  | cluster.toml:2: expected key = value, got 'replicas 3'",
        "syntax: unclosed string    | data_dir = \"data\"=>data_dir = \"data    | cluster.toml:5: 'data_dir': the string is not closed with \"",
        "syntax: text after string  | data_dir = \"data\"=>data_dir = \"data\" x | cluster.toml:5: 'data_dir': unexpected text after the string:  x",
        "syntax: unknown section    | # a three-node cluster=>[cluster]         | cluster.toml:1: unknown section [cluster]; the only section is [[member]]",
        "type: float                | lease_ms = 3_000=>lease_ms = 3.5          | cluster.toml:3: 'lease_ms' must be a \"string\" or an integer, got 3.5",
        "type: string for integer   | replicas = 3=>replicas = \"3\"            | cluster.toml:2: 'replicas' must be an integer, got a string",
        "type: integer for string   | data_dir = \"data\"=>data_dir = 5         | cluster.toml:5: 'data_dir' must be a \"string\", got 5",
        "unknown key                | lease_ms = 3_000=>lease = 3000            | cluster.toml:3: unknown key 'lease'; known: data_dir, drift_bound_ppm, lease_ms, replicas, secret, secret_file",
        "duplicate key              | lease_ms = 3_000=>replicas = 3            | cluster.toml:3: 'replicas' is set twice (first on line 2)",
        "missing key                | replicas = 3=>                            | cluster.toml: missing 'replicas'",
        "missing secret             | secret = \"0123456789abcdef-a # not a comment\"=> | cluster.toml: missing 'secret_file' (or 'secret'): the key node-to-node traffic is authenticated with",
        "short secret               | 0123456789abcdef-a # not a comment=>short | cluster.toml:6: the secret has 5 bytes; it needs at least 16 (e.g. openssl rand -hex 32 > secret)",
        "range: replicas            | replicas = 3=>replicas = 2                | cluster.toml:2: replicas must be 1, 3 or 5, got 2",
        "range: lease               | lease_ms = 3_000=>lease_ms = 0            | cluster.toml:3: lease_ms must be positive, got 0",
        "range: drift               | drift_bound_ppm = 500=>drift_bound_ppm = 100000 | cluster.toml:4: drift_bound_ppm must be in [0, 100000), got 100000",
        "range: port                | node_port = 7100=>node_port = 70000       | cluster.toml:17: 'node_port' must be a port in 1..65535, got 70000",
        "bad member id              | id = \"n0\"=>id = \"zero\"               | cluster.toml:15: not a node id: 'zero' (expected n<index>, e.g. n0)",
        "duplicate member           | id = \"n0\"=>id = \"n1\"                 | cluster.toml:20: member n1 is named twice (also on line 14)",
        "port clash                 | http_port = 8787=>http_port = 7102        | cluster.toml:14: n0 http_port 127.0.0.1:7102 is already used by n2 node_port",
        "missing member key         | host = \"127.0.0.1\"\\nnode_port = 7100=>node_port = 7100 | cluster.toml:14: missing 'host' in the [[member]] section",
    })
    void reportsOneLineNamingFileLineAndProblem(String errorClass, String edit, String expected) {
        String[] fromTo = edit.split("=>", -1);
        String from = fromTo[0].replace("\\n", "\n");
        assertThat(GOOD).as("the edit of %s applies", errorClass).contains(from);
        String text = GOOD.replaceFirst(java.util.regex.Pattern.quote(from), java.util.regex.Matcher.quoteReplacement(fromTo[1]));
        assertThatThrownBy(() -> parse(text)).as(errorClass).isInstanceOf(ConfigException.class).hasMessage(expected)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void inconsistentClusters() {
        assertThatThrownBy(() -> parse(HEAD + member(0, "") + member(1, "")))
                .hasMessage("cluster.toml:2: 3 replicas need at least 3 members; the file names 2");
        assertThatThrownBy(() -> parse(HEAD)).hasMessage("cluster.toml: no [[member]] section; a cluster needs at least one member");
        assertThatThrownBy(() -> parse(HEAD + member(0, "location = \"eu\"\n") + member(1, "") + member(2, "")))
                .hasMessageStartingWith("cluster.toml: give every member a location or none");
        assertThatThrownBy(() -> parse(GOOD.replace("secret = \"0123456789abcdef-a # not a comment\"", "secret_file = \"nope\"")))
                .hasMessage("cluster.toml:6: cannot read the secret file " + dir.resolve("nope") + ": no such file");
        assertThatThrownBy(() -> parse(GOOD + "secret_file = \"x\"\n"))
                .hasMessageStartingWith("cluster.toml:").hasMessageContaining("unknown key 'secret_file' in [[member]]");
        assertThatThrownBy(() -> parse(GOOD).member(NodeId.of(7))).hasMessage("cluster.toml: n7 is not a member; the members are n0, n1, n2");
    }

    @Test
    void anUnreadableFileIsOneLine() {
        Path missing = dir.resolve("none.toml");
        assertThatThrownBy(() -> ClusterFileParser.read(missing)).hasMessage(missing + ": cannot read the cluster file: no such file");
    }
}
