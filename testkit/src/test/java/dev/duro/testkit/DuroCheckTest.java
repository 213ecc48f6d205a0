package dev.duro.testkit;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DurableObject;
import dev.duro.model.object.ObjectContext;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.scenarios.testkit.ClusterTestKit;
import dev.duro.scenarios.testkit.FaultPlan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** A check that passes returns; one that fails says how to rebuild its run, and can write a run folder. */
class DuroCheckTest {
    /** Answers "pong". */
    static final class Pong implements DurableObject {
        private final ObjectContext ctx;

        Pong(ObjectContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Promise<Response> fetch(Request request) {
            return ctx.completed(Response.ok("pong"));
        }
    }

    private static ClusterTestKit.Builder builder() {
        return ClusterTestKit.builder().seed(11).nodes(3).namespace("P", Pong::new)
                .faults(FaultPlan.parse("pause n1 at 10ms for 200ms"));
    }

    @Test
    void aPassingCheckReturns() {
        DuroCheck.run(builder(), kit -> assertThat(kit.get("P", "p", "/")).isEqualTo("pong"));
    }

    @Test
    void aFailingCheckCarriesItsCauseAndTheReproLine(@TempDir Path dir) throws Exception {
        DuroFailure failure = catchThrowableOfType(DuroFailure.class,
                () -> DuroCheck.run(builder(), kit -> assertThat(kit.get("P", "p", "/")).isEqualTo("ping")));
        assertThat(failure.getCause()).isInstanceOf(AssertionError.class);
        assertThat(failure.getMessage())
                .contains("\"ping\"")
                .contains("duro repro: seed=11 nodes=3 faults=\"pause n1 at 10ms for 200ms\"");
        Path page = failure.writeRunFolder(dir.resolve("run"), "DuroCheckTest.ping");
        assertThat(page).isRegularFile();
        assertThat(Files.readString(dir.resolve("run/params.txt"))).contains("rerun: failed again, digest " + failure.digest() + " (the same)");
        assertThat(Files.readString(dir.resolve("run/summary.json"))).contains("\"verdict\":\"FAIL\"");
    }

    @Test
    void aKitThatCannotBeBuiltIsNotACheckFailure() {
        assertThatThrownBy(() -> DuroCheck.run(ClusterTestKit.builder(), kit -> { }))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("bind at least one namespace");
    }
}
