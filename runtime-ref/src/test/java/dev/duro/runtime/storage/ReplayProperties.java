package dev.duro.runtime.storage;

import dev.duro.model.object.DuroException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replay determinism: any sequence of KV, SQL, alarm, deleteAll and transaction operations
 * (including ones that fail and transactions that throw), sealed at arbitrary points, rebuilds a
 * byte-identical database from the log, with or without snapshots, however often it is reopened.
 */
class ReplayProperties {
    sealed interface Op {
    }

    record Put(String key, Object value) implements Op {
    }

    record PutMany(Map<String, Object> entries) implements Op {
    }

    record Delete(String key) implements Op {
    }

    record DeleteMany(List<String> keys) implements Op {
    }

    record Sql(String query, List<Object> binds) implements Op {
    }

    record SetAlarm(long ms) implements Op {
    }

    record DeleteAlarm() implements Op {
    }

    record DeleteAll() implements Op {
    }

    record Tx(List<Op> body, boolean throwsAtEnd) implements Op {
    }

    record Seal() implements Op {
    }

    /** Seal, close, reopen from the log and compare; then go on with the new store. */
    record Reopen() implements Op {
    }

    private static final List<String> STATEMENTS = List.of(
            "CREATE TABLE IF NOT EXISTS t1(id INTEGER PRIMARY KEY, v)",
            "CREATE TABLE t2(k TEXT PRIMARY KEY, n INTEGER) WITHOUT ROWID",
            "CREATE TABLE IF NOT EXISTS u(a UNIQUE)",
            "INSERT INTO t1(v) VALUES (?)",
            "INSERT INTO t1(v) SELECT v FROM t1 LIMIT 20",
            "UPDATE t1 SET v = coalesce(v, '') || 'x' WHERE id % 3 = ?",
            "DELETE FROM t1 WHERE id % 5 = ?",
            "INSERT INTO t2 VALUES (?, 1) ON CONFLICT(k) DO UPDATE SET n = n + 1",
            "INSERT INTO u VALUES (?)",
            "CREATE INDEX IF NOT EXISTS t1_v ON t1(v)",
            "DROP INDEX IF EXISTS t1_v",
            "ALTER TABLE t1 ADD COLUMN extra DEFAULT 0",
            "CREATE VIEW IF NOT EXISTS v1 AS SELECT count(*) AS n FROM t1",
            "CREATE TRIGGER IF NOT EXISTS tr AFTER INSERT ON t1 BEGIN INSERT INTO u VALUES (new.id * 1000); END",
            "DROP TABLE IF EXISTS t2",
            "CREATE TABLE IF NOT EXISTS seq(id INTEGER PRIMARY KEY AUTOINCREMENT, x)",
            "INSERT INTO seq(x) VALUES (?)",
            "DELETE FROM seq WHERE id = (SELECT max(id) FROM seq)",
            "SELECT * FROM t1 WHERE v = ?",
            "INSERT INTO nope VALUES (?)",
            "SELEC oops",
            "INSERT INTO t1(v) VALUES (random())");

    @Provide
    Arbitrary<List<Op>> ops() {
        return op(2).list().ofMaxSize(60);
    }

    private Arbitrary<Op> op(int txDepth) {
        Arbitrary<String> keys = Arbitraries.of("a", "b", "c", "d", "é", "k1", "k10", "\uD83D\uDE00");
        Arbitrary<Object> values = Arbitraries.oneOf(
                Arbitraries.longs().map(v -> (Object) v),
                Arbitraries.strings().ofMaxLength(20).map(v -> (Object) v),
                Arbitraries.integers().between(0, 5000).map(n -> (Object) new byte[n]));
        Arbitrary<Object> bind = Arbitraries.oneOf(Arbitraries.longs().between(-3, 40).map(v -> (Object) v),
                Arbitraries.of("x", "y", "zz").map(v -> (Object) v));
        Arbitrary<Op> sql = Combinators.combine(Arbitraries.of(STATEMENTS), bind).as((q, b) -> {
            int params = (int) q.chars().filter(c -> c == '?').count();
            return (Op) new Sql(q, params == 0 ? List.of() : List.of(b));
        });
        Arbitrary<Op> put = Combinators.combine(keys, values).as(Put::new);
        Arbitrary<Op> putMany = Arbitraries.maps(keys, values).ofMaxSize(4).map(m -> (Op) new PutMany(new TreeMap<>(m)));
        Arbitrary<Op> del = keys.map(Delete::new);
        Arbitrary<Op> delMany = keys.list().ofMaxSize(4).map(DeleteMany::new);
        Arbitrary<Op> alarm = Arbitraries.longs().between(0, 1_000_000).map(SetAlarm::new);
        List<Arbitrary<Op>> choices = new java.util.ArrayList<>(List.of(put, put, putMany, del, delMany, sql, sql, sql, sql, alarm,
                Arbitraries.just(new DeleteAlarm()), Arbitraries.just(new Seal()), Arbitraries.just(new Seal())));
        if (txDepth == 2) {
            choices.add(Arbitraries.just(new DeleteAll()).map(o -> (Op) o));
            choices.add(Arbitraries.just(new Reopen()).map(o -> (Op) o));
        }
        if (txDepth > 0) {
            choices.add(Combinators.combine(Arbitraries.lazy(() -> op(txDepth - 1)).list().ofMaxSize(6), Arbitraries.of(true, false))
                    .as(Tx::new));
            choices.add(Arbitraries.just(new DeleteAll()).map(o -> (Op) o));
        }
        return Arbitraries.oneOf(choices);
    }

    @Property(tries = 150)
    void replayRebuildsTheSameBytes(@ForAll("ops") List<Op> ops, @ForAll("snapshotEvery") int snapshotEvery) {
        Harness h = new Harness(StoreOptions.defaults(true).withSnapshotEveryBatches(snapshotEvery));
        h.open();
        for (Op op : ops) run(h, op, false);
        h.commit();
        assertReplaysIdentically(h);
    }

    @Provide
    Arbitrary<Integer> snapshotEvery() {
        return Arbitraries.of(0, 1, 3);
    }

    private void assertReplaysIdentically(Harness h) {
        byte[] live = h.store.imageForTest();
        var alarm = h.store.getAlarm();
        var kv = h.store.list();
        long seq = h.store.sealedSeq();
        ObjectStore reopened = h.open();
        Harness.assertSameImage(reopened.imageForTest(), live);
        assertThat(reopened.getAlarm()).isEqualTo(alarm);
        assertThat(reopened.list().keySet()).isEqualTo(kv.keySet());
        assertThat(reopened.sealedSeq()).isEqualTo(seq);
    }

    private void run(Harness h, Op op, boolean inTx) {
        ObjectStore s = h.store;
        try {
            switch (op) {
                case Put p -> s.put(p.key(), p.value());
                case PutMany p -> s.put(p.entries());
                case Delete d -> s.delete(d.key());
                case DeleteMany d -> s.delete(d.keys());
                case Sql q -> s.sql().exec(q.query(), q.binds().toArray());
                case SetAlarm a -> s.setAlarm(a.ms());
                case DeleteAlarm ignored -> s.deleteAlarm();
                case DeleteAll ignored -> s.deleteAll();
                case Seal ignored -> {
                    if (!inTx) h.commit();
                }
                case Reopen ignored -> {
                    if (!inTx) {
                        h.commit();
                        assertReplaysIdentically(h);
                    }
                }
                case Tx tx -> s.transactionSync(() -> {
                    for (Op inner : tx.body()) run(h, inner, true);
                    if (tx.throwsAtEnd()) throw new IllegalStateException("rolled back on purpose");
                });
            }
        } catch (DuroException | IllegalStateException expected) {
            // failed operations and thrown transactions are part of what replay must ignore
        }
        assertThat(s.failed()).isFalse();
    }
}
