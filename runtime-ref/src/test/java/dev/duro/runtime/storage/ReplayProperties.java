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

    /**
     * The statement kinds an adversarial review found replay bugs in: FTS5 (writes, commands,
     * MATCH reads), AUTOINCREMENT with ignored/conflicting inserts and explicit ids, RETURNING,
     * UPSERT, triggers writing other tables, views with INSTEAD OF triggers, user_version, and
     * blobs big enough to cross a small size limit.
     */
    private static final List<String> RISKY_STATEMENTS = List.of(
            "CREATE VIRTUAL TABLE IF NOT EXISTS f USING fts5(body)",
            "INSERT INTO f(body) VALUES (?)",
            "INSERT INTO f(body) SELECT body || ' more' FROM f LIMIT 5",
            "UPDATE f SET body = body || ' ' || ? WHERE rowid % 2 = 0",
            "DELETE FROM f WHERE rowid % 3 = ?",
            "INSERT INTO f(f) VALUES ('optimize')",
            "INSERT INTO f(f) VALUES ('rebuild')",
            "INSERT INTO f(f, rank) VALUES ('merge', 4)",
            "SELECT rowid, body FROM f WHERE f MATCH ?",
            "SELECT highlight(f, 0, '[', ']') FROM f WHERE f MATCH ? ORDER BY rank",
            "CREATE TABLE IF NOT EXISTS ai(id INTEGER PRIMARY KEY AUTOINCREMENT, u UNIQUE)",
            "INSERT OR IGNORE INTO ai(u) VALUES (?)",
            "INSERT INTO ai(u) VALUES (?) ON CONFLICT DO NOTHING",
            "INSERT OR IGNORE INTO ai(id, u) VALUES (?, ?)",
            "INSERT INTO ai(id, u) VALUES (? * 1000, ?)",
            "REPLACE INTO ai(id, u) VALUES (?, ?)",
            "INSERT INTO ai(u) VALUES (?) RETURNING id, u",
            "INSERT INTO ai(u) VALUES (?) ON CONFLICT(u) DO UPDATE SET u = excluded.u || 'x' RETURNING *",
            "INSERT INTO ai(u) SELECT u || 'c' FROM ai WHERE true ON CONFLICT DO NOTHING",
            "UPDATE ai SET u = u || ? WHERE id % 2 = 0 RETURNING id",
            "DELETE FROM ai WHERE id = (SELECT max(id) FROM ai) RETURNING id",
            "CREATE TABLE IF NOT EXISTS audit(n)",
            "CREATE TRIGGER IF NOT EXISTS ai_log AFTER INSERT ON ai BEGIN INSERT INTO audit VALUES (new.id); "
                    + "INSERT INTO f(body) VALUES ('trig ' || new.u); END",
            "CREATE TRIGGER IF NOT EXISTS ai_del AFTER DELETE ON ai BEGIN DELETE FROM audit WHERE n = old.id; END",
            "DROP TRIGGER IF EXISTS ai_log",
            "CREATE TRIGGER IF NOT EXISTS ai_skip BEFORE INSERT ON ai WHEN new.u = 'zz' BEGIN INSERT INTO audit VALUES (-2); "
                    + "SELECT RAISE(IGNORE); END",
            "CREATE TRIGGER IF NOT EXISTS ai_before BEFORE INSERT ON ai BEGIN INSERT INTO audit VALUES (0); END",
            "DROP TRIGGER IF EXISTS ai_before",
            "UPDATE OR FAIL ai SET u = 'y' WHERE id > ?",
            "INSERT OR FAIL INTO ai(u) SELECT 'x' FROM audit",
            "UPDATE sqlite_sequence SET seq = seq + ? WHERE name = 'ai'",
            "CREATE VIRTUAL TABLE IF NOT EXISTS fc USING fts5(body, content='')",
            "INSERT INTO fc(rowid, body) VALUES (?, 'alpha beta')",
            "INSERT INTO fc(fc, rowid, body) VALUES ('delete', ?, 'alpha beta')",
            "INSERT INTO fc(fc) VALUES ('delete-all')",
            "CREATE VIRTUAL TABLE IF NOT EXISTS r USING rtree(id, x0, x1)",
            "INSERT INTO r VALUES (NULL, ?, 50)",
            "INSERT INTO r SELECT NULL, x0 + 1, x1 + 2 FROM r LIMIT 30",
            "DELETE FROM r WHERE id % 3 = ?",
            "SELECT id FROM r WHERE x0 < ? AND x1 > 3",
            "CREATE VIEW IF NOT EXISTS av AS SELECT id, u FROM ai",
            "CREATE TRIGGER IF NOT EXISTS av_ins INSTEAD OF INSERT ON av BEGIN INSERT OR IGNORE INTO ai(u) VALUES (new.u); "
                    + "INSERT INTO audit VALUES (-1); END",
            "CREATE TRIGGER IF NOT EXISTS av_upd INSTEAD OF UPDATE ON av BEGIN UPDATE ai SET u = new.u WHERE id = old.id; END",
            "CREATE TRIGGER IF NOT EXISTS av_del INSTEAD OF DELETE ON av BEGIN INSERT INTO audit VALUES (old.id); END",
            "INSERT INTO av(u) VALUES (?)",
            "UPDATE av SET u = ? WHERE id % 2 = 1",
            "DELETE FROM av WHERE id = ?",
            "PRAGMA user_version = 7",
            "PRAGMA user_version = 0",
            "PRAGMA user_version",
            "CREATE TABLE IF NOT EXISTS big(b)",
            "INSERT INTO big VALUES (zeroblob(?))",
            "INSERT INTO big SELECT b FROM big",
            "DELETE FROM big WHERE rowid % 2 = ?");

    @Provide
    Arbitrary<List<Op>> ops() {
        return op(2, STATEMENTS).list().ofMaxSize(60);
    }

    @Provide
    Arbitrary<List<Op>> riskyOps() {
        // Usually start from the full schema, so that most statements find their tables.
        List<Op> schema = RISKY_STATEMENTS.stream().filter(q -> q.startsWith("CREATE")).map(q -> (Op) new Sql(q, List.of())).toList();
        return Combinators.combine(Arbitraries.integers().between(0, 3), op(2, RISKY_STATEMENTS).list().ofMinSize(10).ofMaxSize(80))
                .as((setup, body) -> {
                    List<Op> all = new java.util.ArrayList<>(setup == 0 ? List.of() : schema);
                    all.addAll(body);
                    return all;
                });
    }

    private Arbitrary<Op> op(int txDepth, List<String> statements) {
        Arbitrary<String> keys = Arbitraries.of("a", "b", "c", "d", "é", "k1", "k10", "\uD83D\uDE00");
        Arbitrary<Object> values = Arbitraries.oneOf(
                Arbitraries.longs().map(v -> (Object) v),
                Arbitraries.strings().ofMaxLength(20).map(v -> (Object) v),
                Arbitraries.integers().between(0, 5000).map(n -> (Object) new byte[n]));
        Arbitrary<Object> bind = Arbitraries.oneOf(Arbitraries.longs().between(-3, 40).map(v -> (Object) v),
                Arbitraries.of("x", "y", "zz", "alpha beta", "beta", "al*").map(v -> (Object) v),
                Arbitraries.of(5_000L, 60_000L).map(v -> (Object) v));
        Arbitrary<Op> sql = Combinators.combine(Arbitraries.of(statements), bind.list().ofSize(2)).as((q, b) -> {
            int params = (int) q.chars().filter(c -> c == '?').count();
            return (Op) new Sql(q, b.subList(0, params));
        });
        Arbitrary<Op> put = Combinators.combine(keys, values).as(Put::new);
        Arbitrary<Op> putMany = Arbitraries.maps(keys, values).ofMaxSize(4).map(m -> (Op) new PutMany(new TreeMap<>(m)));
        Arbitrary<Op> del = keys.map(Delete::new);
        Arbitrary<Op> delMany = keys.list().ofMaxSize(4).map(DeleteMany::new);
        Arbitrary<Op> alarm = Arbitraries.longs().between(0, 1_000_000).map(SetAlarm::new);
        List<Arbitrary<Op>> choices = new java.util.ArrayList<>(List.of(put, put, putMany, del, delMany, sql, sql, sql, sql, alarm,
                Arbitraries.just(new DeleteAlarm()), Arbitraries.just(new Seal()), Arbitraries.just(new Seal())));
        // The risky pool has many more statements: draw them more often, so each runs several times per sequence.
        for (int i = 0; statements == RISKY_STATEMENTS && i < 12; i++) choices.add(sql);
        if (txDepth == 2) {
            choices.add(Arbitraries.just(new DeleteAll()).map(o -> (Op) o));
            choices.add(Arbitraries.just(new Reopen()).map(o -> (Op) o));
        }
        if (txDepth > 0) {
            choices.add(Combinators.combine(Arbitraries.lazy(() -> op(txDepth - 1, statements)).list().ofMaxSize(6), Arbitraries.of(true, false))
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

    /**
     * The same with the statement kinds of {@link #RISKY_STATEMENTS}, and sometimes a size limit
     * small enough that big inserts, KV puts and transactions fail part way through.
     */
    @Property(tries = 400)
    void riskyStatementsReplayToTheSameBytes(@ForAll("riskyOps") List<Op> ops, @ForAll("snapshotEvery") int snapshotEvery,
                                             @ForAll("sizeLimit") long sizeLimitBytes) {
        Harness h = new Harness(StoreOptions.defaults(true).withSnapshotEveryBatches(snapshotEvery).withSizeLimitBytes(sizeLimitBytes));
        h.open();
        for (Op op : ops) run(h, op, false);
        h.commit();
        assertReplaysIdentically(h);
    }

    @Provide
    Arbitrary<Long> sizeLimit() {
        return Arbitraries.of(StoreOptions.DEFAULT_SIZE_LIMIT_BYTES, 160_000L, 300_000L);
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
        // From the log alone, then from the last snapshot plus the log after it.
        List<dev.duro.runtime.log.Snapshot> snapshots = List.copyOf(h.log.snapshots);
        h.log.snapshots.clear();
        assertReopensAs(h, live, alarm, kv, seq);
        h.log.snapshots.addAll(snapshots);
        if (!snapshots.isEmpty()) assertReopensAs(h, live, alarm, kv, seq);
    }

    private static void assertReopensAs(Harness h, byte[] live, java.util.Optional<Long> alarm, Map<String, Object> kv, long seq) {
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
