package dev.duro.cli.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duro.cli.CliRun;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

/**
 * A short live-port fuzz run: a real 3-node cluster in this JVM gets every kind of bad input and
 * must pass its checks; and the generators make what their names say.
 */
class FuzzPortsTest {
    @Test
    void aShortRunOfEveryKindPassesItsChecks() {
        CliRun r = CliRun.of("fuzz", "ports", "--inputs", "1500", "--clients", "16", "--seed", "7", "--json");
        assertThat(r.exit()).as(r.all()).isZero();
        String json = r.out().lines().reduce((a, b) -> b).orElse("");
        assertThat(json).startsWith("{\"verdict\":\"PASS\"").contains("\"inputs\":1500").contains("\"canariesOk\":10")
                .contains("\"problems\":[]").contains("\"repro\":\"./duro fuzz ports --inputs 1500 --seed 7");
        for (InputKind k : InputKind.values()) assertThat(json).as(k.label).contains("\"" + k.label + "\":{");
        assertThat(json).as("refused foreign frames close the connection").containsPattern("\"node-foreign\":\\{[^}]*\"closed\":[1-9]");
        assertThat(json).as("bad limits get a 4xx").containsPattern("\"http-limits\":\\{[^}]*\"client_error\":[1-9]");
    }

    @Test
    void inputKindsCoverEveryPercent() {
        for (int p = 0; p < 100; p++) assertThat(InputKind.pick(p)).isNotNull();
        assertThat(List.of(InputKind.values()).stream().mapToInt(k -> k.weight).sum()).isEqualTo(100);
    }

    @Test
    void truncatedRequestsAreProperPrefixesAndMutationsChangeTheBytes() {
        for (int i = 0; i < 1_000; i++) {
            byte[] whole = HttpInputs.odd(new SplittableRandom(i));
            byte[] cut = HttpInputs.truncated(new SplittableRandom(i));
            assertThat(cut.length).isBetween(1, whole.length - 1);
            assertThat(java.util.Arrays.copyOf(whole, cut.length)).isEqualTo(cut);
        }
        int changed = 0;
        for (int i = 0; i < 200; i++) {
            if (!java.util.Arrays.equals(HttpInputs.odd(new SplittableRandom(i)), HttpInputs.mutated(new SplittableRandom(i)))) changed++;
        }
        assertThat(changed).as("mutations change the request (a flip back can undo one now and then)").isGreaterThan(190);
    }
}
