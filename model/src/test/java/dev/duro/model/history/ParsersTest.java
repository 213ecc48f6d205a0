package dev.duro.model.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The foreign formats and Knossos's preprocessing semantics. */
class ParsersTest {
    @Test
    void etcdLogsFollowPorcupinesReading() {
        String log = String.join("\n",
                "INFO  jepsen.util - 0\t:invoke\t:cas\t[1 2]",
                "INFO  jepsen.util - 1   :invoke :write  3",
                "INFO  jepsen.util - 2\t:invoke\t:read\tnil",
                "INFO  jepsen.util - 0\t:fail\t:cas\t[1 2]",
                "INFO  jepsen.util - 1\t:info\t:write\t:timed-out",
                "INFO  jepsen.util - 2\t:fail\t:read\t:timed-out",
                "INFO  jepsen.util - 3\t:invoke\t:read\tnil",
                "INFO  jepsen.util - 3\t:ok\t:read\tnil",
                "");
        List<Operation> ops = JepsenEtcdParser.parse(log, "e.log").operations();
        assertThat(ops).hasSize(4);
        assertThat(ops.get(0).f()).isEqualTo("cas");
        assertThat(ops.get(0).output()).isEqualTo(false); // a failed cas constrains the state
        assertThat(ops.get(0).status()).isEqualTo(Status.OK);
        assertThat(ops.get(1).status()).isEqualTo(Status.INFO);
        assertThat(ops.get(2).status()).isEqualTo(Status.INFO);
        assertThat(ops.get(3).output()).isNull();
        assertThat(ops.get(3).line()).isEqualTo(7);
    }

    @Test
    void knossosDropsFailuresAndMakesInfoAndUnmatchedInvokesIndeterminate() {
        String edn = """
                ; comment
                {:process 0, :type :invoke, :f :write, :value 1}
                {:process 0, :type :fail, :f :write, :value 1}
                {:process :nemesis, :type :info, :f :start}
                {:process 1, :type :invoke, :f :write, :value 2}
                {:process 1, :type :info, :f :write, :value 2}
                {:process 2, :type :invoke, :f :read, :value nil}
                {:process 2, :type :ok, :f :read, :value nil}
                {:process 3, :type :invoke, :f :read, :value nil}
                """;
        History h = EdnHistoryParser.parse(edn, "k.edn", EdnHistoryParser.Dialect.KNOSSOS);
        assertThat(h.operations()).extracting(Operation::status)
                .containsExactly(Status.FAIL, Status.INFO, Status.OK, Status.INFO);
        assertThat(h.withoutFailures().size()).isEqualTo(3);
        assertThat(h.operations().get(2).output()).isEqualTo(Unknown.VALUE); // Knossos: nil read is unconstrained
        assertThat(h.operations().get(3).completeNanos()).isEqualTo(Operation.NEVER);
    }

    @Test
    void jepsenKvKeepsNilReads() {
        String kv = "{:process 0, :type :invoke, :f :get, :key \"1\", :value nil}\n"
                + "{:process 0, :type :ok, :f :get, :key \"1\", :value nil}\n";
        Operation op = EdnHistoryParser.parse(kv, "kv.txt", EdnHistoryParser.Dialect.JEPSEN_KV).operations().get(0);
        assertThat(op.output()).isNull();
        assertThat(op.key()).isEqualTo("1");
    }

    @Test
    void malformedInputNamesFileLineAndExpectation() {
        assertThatThrownBy(() -> HistoryFormat.KNOSSOS_EDN.parse("[{:process 0 :type :ok :f :read :value 1}]", "h.edn"))
                .hasMessage("h.edn:1: expected an :invoke for process 0 before this :ok");
        assertThatThrownBy(() -> HistoryFormat.KNOSSOS_EDN.parse("{:process 0 :type :invoke :f :read}\n{:process 0 :type :bogus :f :read}", "h.edn"))
                .hasMessageStartingWith("h.edn:2: expected :type :invoke/:ok/:fail/:info");
        assertThatThrownBy(() -> HistoryFormat.JEPSEN_ETCD.parse("INFO  jepsen.util - 0 :invoke :cas [1]", "e.log"))
                .hasMessageStartingWith("e.log:1: expected [from to]");
        assertThatThrownBy(() -> HistoryFormat.DURO_JSONL.parse("{\"type\":\"invoke\"}", "d.jsonl"))
                .hasMessageStartingWith("d.jsonl:1: expected an integer \"process\"");
        assertThatThrownBy(() -> HistoryFormat.byName("csv")).hasMessageContaining("unknown format 'csv'");
    }

    @Test
    void knossosPairsOpsAcrossMultiLineVectors() {
        String edn = "[{:process 0,\n  :type :invoke,\n  :f :write, :value 1}\n {:process 0, :type :ok, :f :write, :value 1}]";
        History h = HistoryFormat.KNOSSOS_EDN.parse(edn, "m.edn");
        assertThat(h.operations()).singleElement().satisfies(op -> {
            assertThat(op.line()).isEqualTo(1);
            assertThat(op.status()).isEqualTo(Status.OK);
        });
    }
}
