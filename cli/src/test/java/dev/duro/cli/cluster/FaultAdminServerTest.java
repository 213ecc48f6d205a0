package dev.duro.cli.cluster;

import dev.duro.deploy.faults.LinkFaults;
import dev.duro.model.world.NodeId;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The test-only admin endpoint: on loopback, it sets a member's frame faults, heals them, and refuses bad parameters. */
class FaultAdminServerTest {
    private static HttpResponse<String> post(HttpClient http, int port, String query) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/faults" + query))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void setsHealsAndRefuses() throws Exception {
        LinkFaults faults = new LinkFaults();
        FaultAdminServer server = FaultAdminServer.start(0, faults);
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> set = post(http, server.port(), "?dropTo=n1,n2&dropFrom=n2&delayMs=5");
            assertThat(set.statusCode()).isEqualTo(200);
            assertThat(set.body()).startsWith("dropTo=n1,n2 dropFrom=n2 delayMs=5");
            assertThat(faults.rules()).isEqualTo(new LinkFaults.Rules(Set.of(NodeId.of(1), NodeId.of(2)), Set.of(NodeId.of(2)), 5));

            HttpResponse<String> bad = post(http, server.port(), "?delayMs=soon");
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).contains("delayMs must be a whole number");
            assertThat(post(http, server.port(), "?drop=n1").body()).contains("unknown parameter 'drop'");
            assertThat(faults.rules().delayMs()).as("a refused request changes nothing").isEqualTo(5);

            assertThat(post(http, server.port(), "").body()).startsWith("dropTo= dropFrom= delayMs=0");
            assertThat(faults.rules()).isEqualTo(LinkFaults.Rules.NONE);
        } finally {
            server.stop();
        }
    }
}
