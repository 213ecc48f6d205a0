package dev.duro.cli.bench.storage;

import dev.duro.model.async.Promise;
import dev.duro.model.world.Clock;
import dev.duro.model.world.Loop;
import dev.duro.model.world.TimerHandle;
import dev.duro.runtime.log.LogEntry;
import dev.duro.runtime.log.ObjectLog;
import dev.duro.runtime.log.Recovery;
import dev.duro.runtime.log.Snapshot;
import dev.duro.runtime.storage.ObjectStore;
import dev.duro.runtime.storage.StoreHooks;
import dev.duro.runtime.storage.StoreOptions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The SQLite-backed storage engine ({@link ObjectStore}) against raw sqlite-jdbc on the same
 * in-memory database kind, side by side, so the report is a ratio: what the engine's key
 * encoding, value codec, batch capture and input checks cost per operation. Writes seal one batch
 * per operation (the worst case for coalescing) into a log that is durable at once, so the figure
 * is the engine's CPU cost, not a disk's.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class StorageBenchmark {
    static final int KEYS = 10_000;
    static final String VALUE = "v".repeat(100);

    private final DrainLoop loop = new DrainLoop();
    private ObjectStore store;
    private SQLiteConnection raw;
    private PreparedStatement rawPut;
    private PreparedStatement rawGet;
    private long i;

    @Setup(Level.Trial)
    public void setUp() throws SQLException {
        Promise<ObjectStore> opened = ObjectStore.open(new InstantLog(loop), StoreOptions.defaults(false)
                .withSnapshotEveryBatches(Integer.MAX_VALUE), StoreHooks.NONE, loop, loop);
        loop.drain();
        store = opened.value();
        store.sql().exec("CREATE TABLE items(id INTEGER PRIMARY KEY, body TEXT)");
        for (int k = 0; k < KEYS; k++) {
            store.put(key(k), VALUE);
            store.sql().exec("INSERT INTO items(id, body) VALUES (?, ?)", k, VALUE);
        }
        seal();
        raw = (SQLiteConnection) new SQLiteConfig().createConnection("jdbc:sqlite::memory:");
        raw.createStatement().execute("CREATE TABLE kv(key BLOB PRIMARY KEY, value BLOB) WITHOUT ROWID");
        rawPut = raw.prepareStatement("INSERT OR REPLACE INTO kv(key, value) VALUES (?, ?)");
        rawGet = raw.prepareStatement("SELECT value FROM kv WHERE key = ?");
        for (int k = 0; k < KEYS; k++) rawPut(k);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws SQLException {
        store.close();
        raw.close();
    }

    private static String key(long k) {
        return "key-" + (k % KEYS);
    }

    private void seal() {
        store.seal();
        loop.drain();
    }

    private void rawPut(long k) throws SQLException {
        rawPut.setBytes(1, key(k).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        rawPut.setBytes(2, VALUE.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        rawPut.executeUpdate();
    }

    /** One KV put sealed as its own durable batch. */
    @Benchmark
    public long kvPut() {
        store.put(key(i++), VALUE);
        seal();
        return store.durableSeq();
    }

    @Benchmark
    public Object kvGet() {
        return store.get(key(i++ * 7919));
    }

    /** One SQL UPDATE by primary key sealed as its own durable batch. */
    @Benchmark
    public long sqlUpdate() {
        store.sql().exec("UPDATE items SET body = ? WHERE id = ?", VALUE, (i++ * 7919) % KEYS);
        seal();
        return store.durableSeq();
    }

    @Benchmark
    public Object sqlSelect() {
        return store.sql().exec("SELECT body FROM items WHERE id = ?", (i++ * 7919) % KEYS).one();
    }

    /** Baseline: the same put on raw sqlite-jdbc (no codec, no checks, no batch). */
    @Benchmark
    public int rawPut() throws SQLException {
        rawPut(i++);
        return 1;
    }

    /** Baseline: the same get on raw sqlite-jdbc. */
    @Benchmark
    public byte[] rawGet() throws SQLException {
        rawGet.setBytes(1, key(i++ * 7919).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        try (ResultSet rs = rawGet.executeQuery()) {
            return rs.next() ? rs.getBytes(1) : null;
        }
    }

    /** A loop drained by the benchmark thread, and a clock that stands still. */
    static final class DrainLoop implements Loop, Clock {
        private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
        }

        @Override
        public TimerHandle schedule(long delayNanos, Runnable task) {
            throw new UnsupportedOperationException("the storage engine sets no timers");
        }

        @Override
        public boolean inLoop() {
            return true;
        }

        void drain() {
            while (!tasks.isEmpty()) tasks.poll().run();
        }

        @Override
        public long monotonicNanos() {
            return 0;
        }

        @Override
        public long wallMillis() {
            return 1_700_000_000_000L;
        }
    }

    /** A log that is durable the moment it is written to and keeps nothing (the benchmark never recovers). */
    record InstantLog(Loop loop) implements ObjectLog {
        @Override
        public Promise<Recovery> recover() {
            return Promise.succeeded(loop, new Recovery(Optional.empty(), List.of(), List.of()));
        }

        @Override
        public Promise<Void> append(LogEntry entry) {
            return Promise.succeeded(loop, null);
        }

        @Override
        public Promise<Void> snapshot(Snapshot snapshot) {
            return Promise.succeeded(loop, null);
        }

        @Override
        public Promise<Recovery> recoverAt(long seq) {
            return Promise.failed(loop, new IllegalStateException("the benchmark log keeps nothing"));
        }

        @Override
        public Promise<Void> destroy() {
            return Promise.succeeded(loop, null);
        }
    }
}
