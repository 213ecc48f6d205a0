package dev.duro.runtime.replication;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.object.ObjectId;
import dev.duro.model.util.Invariants;
import dev.duro.model.world.Disk;
import dev.duro.model.world.DiskException;
import dev.duro.model.world.DiskFile;
import dev.duro.model.world.Loop;
import dev.duro.model.world.World;
import dev.duro.runtime.PlantedBug;
import dev.duro.runtime.log.DiskLogStore;
import dev.duro.runtime.log.LogOptions;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * This node's replicas of objects' logs, on its {@link World#disk()} (docs/cluster.md, "Replicated
 * object log"; docs/replica-store.md has the layout and the crash argument).
 *
 * <pre>
 * replicas/node.marker                      written durably at first boot; missing later = lost disk
 * replicas/rejoined                         present once this node lost its disk (never removed)
 * replicas/logs/&lt;namespace&gt;/&lt;id&gt;/...         the batches and snapshots of an even log generation: a {@link DiskLogStore}
 * replicas/logs-odd/&lt;namespace&gt;/&lt;id&gt;/...     the same for an odd generation (an install writes the next one aside)
 * replicas/state/&lt;namespace&gt;/&lt;id&gt;            promised, logEpoch, seqFloor, damage, live generation ({@link ReplicaFormat})
 * replicas/state/&lt;namespace&gt;/&lt;id&gt;.tmp        a state file being replaced
 * </pre>
 *
 * <p><b>Lost disk.</b> A start with {@code firstBoot == false} that finds no {@code node.marker}
 * means the disk lost everything (or was replaced): the store durably writes {@code rejoined}, then
 * the marker again (so the next start is an ordinary restart). While {@code rejoined} exists, every
 * object without a state file loads as empty and damaged ("this node lost its disk"): the node
 * cannot know which objects it held. An object gets trusted again when an owner installs it. The
 * mark is node-wide and never removed, so a brand-new object on such a node also starts damaged and
 * needs one install before this replica votes for it (a cost in availability, not in safety).
 *
 * <p>One store per node incarnation; every call on the world's loop. The store is usable at once;
 * operations wait internally until the start-up work above is durable.
 */
public final class DiskReplicaStore implements ReplicaStore {
    static final String ROOT = "replicas";
    static final String LOGS = ROOT + "/logs";
    static final String LOGS_ODD = ROOT + "/logs-odd";
    static final String STATE = ROOT + "/state";
    static final String MARKER = ROOT + "/node.marker";
    static final String REJOINED = ROOT + "/rejoined";
    static final String TMP_SUFFIX = ".tmp";

    private final World world;
    private final Disk disk;
    private final Loop loop;
    private final LogOptions options;
    /** The log trees of even and odd generations: [0] = {@link #LOGS}, [1] = {@link #LOGS_ODD}. */
    private final DiskLogStore[] logs;
    private final TreeMap<String, DiskReplicaLog> replicas = new TreeMap<>();
    /**
     * Replicas that may hold files open, least recently used first. Past {@link #MAX_OPEN} the
     * least recently used ones with nothing in flight close their files (the next call reloads
     * them from disk), so a node's descriptors stay bounded however many objects are active at
     * once; a replica whose server forgot it goes to the front of the line.
     */
    private final LinkedHashMap<String, DiskReplicaLog> open = new LinkedHashMap<>();
    /** Replicas holding files open per node (each 2 to 4 descriptors: segments, meta). */
    static final int MAX_OPEN = 1024;
    /** {@link #MAX_OPEN}, lowered by tests. */
    int maxOpen = MAX_OPEN;
    /** Directories whose entry in their parent this incarnation made durable. */
    private final TreeSet<String> durableDirs = new TreeSet<>();
    private final Promise<Void> ready;
    private boolean rejoined;
    /** A sync failed: the process is exiting (fail-stop) and nothing more is done. */
    private boolean broken;

    /**
     * @param options   the log settings (retention, segment size) and planted bugs:
     *                  {@link PlantedBug#LOG_ACK_BEFORE_FSYNC} (batches and state files acknowledged
     *                  before their fsync), {@link PlantedBug#NO_CHECKSUM} (damaged records served
     *                  as valid) and {@link PlantedBug#RELABEL_AFTER_REFUSED_APPEND} (calls queued
     *                  behind a failed one still run; a relabel does not check the adopted batch)
     * @param firstBoot true on the node's very first start; false on restarts, where a disk without
     *                  {@code node.marker} lost everything
     */
    public DiskReplicaStore(World world, LogOptions options, boolean firstBoot) {
        this.world = Objects.requireNonNull(world, "world");
        this.options = Objects.requireNonNull(options, "options");
        this.disk = world.disk();
        this.loop = world.loop();
        this.logs = new DiskLogStore[] {new DiskLogStore(world, options, LOGS), new DiskLogStore(world, options, LOGS_ODD)};
        this.ready = start(firstBoot);
    }

    @Override
    public ReplicaLog open(String namespace, ObjectId id) {
        Objects.requireNonNull(id, "id");
        String nsName = DiskLogStore.namespaceDirectoryName(namespace); // validates the name
        return replicas.computeIfAbsent(nsName + "/" + id.hex(), k -> new DiskReplicaLog(this, namespace, id));
    }

    /** {@code key}'s replica is being used: the most recently used; past the cap the least recently used quiet ones close. */
    void used(String key, DiskReplicaLog log) {
        open.remove(key);
        open.put(key, log);
        if (open.size() <= maxOpen) return;
        for (Iterator<Map.Entry<String, DiskReplicaLog>> it = open.entrySet().iterator(); open.size() > maxOpen && it.hasNext(); ) {
            Map.Entry<String, DiskReplicaLog> e = it.next();
            if (e.getValue() != log && e.getValue().releaseIfQuiet()) it.remove();
        }
    }

    /** {@code key}'s replica is idle (its server forgot it): the first to close when the cap is passed. */
    void idle(String key, DiskReplicaLog log) {
        open.remove(key);
        open.putFirst(key, log);
    }

    /** Replicas that may hold files open now (tests and metrics). */
    int openReplicas() {
        return open.size();
    }

    /**
     * Objects of {@code namespace} with a replica here, ordered by id: a state file that names a log
     * epoch, or says the replica is damaged, or cannot be read (damaged, an owner should repair it).
     * Objects that only received a promise hold no log and are left out. On a node that lost its
     * disk, objects it held before the loss are unknown and not listed.
     */
    @Override
    public Promise<List<ObjectId>> list(String namespace) {
        Promise<List<ObjectId>> result = Promise.on(loop);
        ready.whenComplete((v, startFailure) -> {
            if (startFailure != null) {
                result.fail(startFailure);
                return;
            }
            try {
                String dir = stateDir(namespace);
                List<ObjectId> ids = new ArrayList<>();
                for (String entry : disk.list(dir)) {
                    Optional<byte[]> idBytes = parseHexId(entry);
                    if (idBytes.isEmpty()) continue; // *.tmp and strangers
                    Optional<ReplicaFormat.State> state = readState(dir + "/" + entry);
                    if (state.isPresent() && !state.get().namespace().equals(namespace)) continue; // case clash
                    boolean holdsLog = state.isEmpty() || state.get().damage() != ReplicaFormat.Damage.NONE
                            || !state.get().logEpoch().equals(Epoch.ZERO);
                    if (!holdsLog) continue;
                    String name = state.filter(s -> s.id().hex().equals(entry)).flatMap(s -> s.id().name()).orElse(null);
                    ids.add(ObjectId.of(idBytes.get(), name));
                }
                ids.sort(null);
                result.complete(List.copyOf(ids));
            } catch (IllegalArgumentException | DiskException e) {
                result.fail(new IllegalStateException("cannot list the replicas of namespace '" + namespace + "': "
                        + e.getMessage(), e));
            }
        });
        return result;
    }

    /** True when this node lost its disk at some restart (see the class comment). */
    public boolean rejoined() {
        return rejoined;
    }

    // =============================================================================================
    // start-up: the node marker

    private Promise<Void> start(boolean firstBoot) {
        try {
            disk.createDirectories(ROOT);
            boolean marked = disk.exists(MARKER);
            rejoined = disk.exists(REJOINED);
            Promise<Void> chain = Promise.succeeded(loop, null);
            if (!marked && !firstBoot) {
                // Not the first boot, yet no marker: this disk lost everything. Record that first,
                // then the marker, so a crash in between finds the loss again.
                rejoined = true;
                world.trace().record("repl-disk-lost", "node=" + world.self() + " marker=missing");
                chain = chain.flatMap(v -> writeSmallFile(REJOINED, "objects without a replica state here are damaged\n"))
                        .flatMap(v -> writeSmallFile(MARKER, "duro replica store of " + world.self() + "\n"));
            } else if (!marked) {
                chain = chain.flatMap(v -> writeSmallFile(MARKER, "duro replica store of " + world.self() + "\n"));
            } else {
                // What we read may sit unsynced in the page cache after a process restart: make it durable.
                chain = chain.flatMap(v -> Promise.all(loop, List.of(syncFile(MARKER), disk.syncDirectory(ROOT),
                        disk.syncDirectory("")))).map(v -> null);
            }
            return chain.recover(e -> {
                throw startFailed(e);
            });
        } catch (DiskException e) {
            return Promise.failed(loop, startFailed(e));
        }
    }

    private RuntimeException startFailed(Throwable e) {
        if (e instanceof DiskException d && d.kind() == DiskException.Kind.NO_SPACE) {
            return new DuroException(ErrorCode.UNAVAILABLE, "disk full: the replica store could not write its node "
                    + "marker; free disk space and restart the node", d);
        }
        if (!(e instanceof DiskException d && d.kind() != DiskException.Kind.IO_ERROR)) {
            failStop("repl-store-start-failed", e);
        }
        return new IllegalStateException("the replica store could not start: " + e.getMessage(), e);
    }

    /**
     * Creates or rewrites {@code path} (in {@link #ROOT}) with {@code text}; completes once it, its
     * entry in {@code replicas} and that directory's entry in the root are durable (synced together:
     * a crash during the very first boot before they complete makes the next start a lost disk,
     * which errs on the safe side).
     */
    private Promise<Void> writeSmallFile(String path, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        DiskFile file = disk.open(path, true);
        file.truncate(0);
        file.write(0, bytes, 0, bytes.length);
        List<Promise<Void>> syncs = List.of(file.sync(), disk.syncDirectory(ROOT), disk.syncDirectory(""));
        return Promise.all(loop, syncs).map(v -> {
            file.close();
            return null;
        });
    }

    private Promise<Void> syncFile(String path) {
        DiskFile file = disk.open(path, false);
        return file.sync().map(v -> {
            file.close();
            return null;
        });
    }

    private Promise<Void> syncDirectories(List<String> dirs) {
        List<Promise<Void>> syncs = new ArrayList<>();
        for (String d : dirs) syncs.add(disk.syncDirectory(d));
        return Promise.all(loop, syncs).map(v -> null);
    }

    // =============================================================================================
    // state files (used by DiskReplicaLog)

    static String stateDir(String namespace) {
        return STATE + "/" + DiskLogStore.namespaceDirectoryName(namespace);
    }

    /** The state file's contents; empty if it does not decode. Throws {@link DiskException} on read errors. */
    Optional<ReplicaFormat.State> readState(String path) {
        try (DiskFile file = disk.open(path, false)) {
            return ReplicaFormat.decode(file.readFully(0, (int) file.size()));
        }
    }

    /**
     * Atomically replaces the state file at {@code path} (in {@code dir}) by {@code state}: writes
     * {@code path.tmp}, fsyncs it, renames it over {@code path} and fsyncs the directory (and, once
     * per incarnation, the directories above it). Completes when all that is durable; fails with
     * {@code UNAVAILABLE} on a full disk (nothing changed), and fail-stops on a failed fsync.
     * Under {@link PlantedBug#LOG_ACK_BEFORE_FSYNC} it renames at once and completes before any
     * fsync (which then follows in the background).
     */
    Promise<Void> writeState(String dir, String path, ReplicaFormat.State state) {
        if (world.faultPoints().fire(FAULT_STATE_SYNC_SLOW)) {
            // Slow before anything is written: a crash meanwhile leaves the old state file.
            return Stall.maybe(loop, true, STATE_SYNC_SLOW_NANOS).flatMap(v -> writeStateNow(dir, path, state));
        }
        return writeStateNow(dir, path, state);
    }

    /** BUGGIFY: a state file (promise, install, relabel, floor) is written and synced late. */
    static final String FAULT_STATE_SYNC_SLOW = "repl-state-sync-slow";
    private static final long STATE_SYNC_SLOW_NANOS = 40_000_000L;

    /** Whether the fault point {@code site} fires now (the replica logs' own points). */
    boolean fire(String site) {
        return world.faultPoints().fire(site);
    }

    private Promise<Void> writeStateNow(String dir, String path, ReplicaFormat.State state) {
        if (broken) return Promise.failed(loop, brokenError());
        String tmpPath = path + TMP_SUFFIX;
        DiskFile tmp;
        try {
            disk.createDirectories(dir);
            disk.delete(tmpPath);
            tmp = disk.open(tmpPath, true);
            byte[] bytes = ReplicaFormat.encode(state);
            try {
                tmp.write(0, bytes, 0, bytes.length);
            } catch (DiskException e) {
                tmp.close();
                disk.delete(tmpPath); // only the temporary file was touched
                throw e;
            }
        } catch (DiskException e) {
            if (e.kind() == DiskException.Kind.NO_SPACE) {
                trace("repl-no-space", state.id(), "file=state");
                return Promise.failed(loop, new DuroException(ErrorCode.UNAVAILABLE, "disk full: the replica state of "
                        + state.id().hex() + " was not written (promise " + state.promised() + "); it is unchanged", e));
            }
            failStop("repl-state-write-failed", e);
            return Promise.failed(loop, e);
        }
        List<String> dirs = new ArrayList<>();
        dirs.add(dir);
        if (!durableDirs.contains(dir)) dirs.add(parentOf(dir)); // "<ns>" in replicas/state
        if (!durableDirs.contains(STATE)) dirs.add(ROOT); // "state" in replicas
        Promise<Void> durable;
        if (options.planted(PlantedBug.LOG_ACK_BEFORE_FSYNC)) {
            disk.rename(tmpPath, path); // planted bug: visible (and acknowledged) before any fsync
            tmp.sync().flatMap(v -> syncDirectories(dirs)).whenComplete((v, e) -> {
                tmp.close();
                if (e != null) failStop("repl-state-sync-failed", e);
            });
            return Promise.succeeded(loop, null);
        }
        durable = tmp.sync().flatMap(v -> {
            tmp.close();
            disk.rename(tmpPath, path);
            return syncDirectories(dirs);
        });
        Promise<Void> result = Promise.on(loop);
        durable.whenComplete((v, e) -> {
            if (broken) {
                result.fail(brokenError());
            } else if (e != null) {
                failStop("repl-state-sync-failed", e);
                result.fail(new IllegalStateException("replica state of " + state.id().hex()
                        + ": a disk sync failed; the process exits (fail-stop) and recovers from the disk", e));
            } else {
                durableDirs.add(dir);
                durableDirs.add(STATE);
                result.complete(null);
            }
        });
        return result;
    }

    /**
     * A sync failed: the page cache may hold what the disk dropped (fsyncgate), so nothing this
     * process believes about its files can be trusted. Exit, as the object log does (docs/log.md).
     */
    void failStop(String kind, Throwable cause) {
        if (broken) return;
        broken = true;
        world.trace().record(kind, "fail-stop=exit");
        world.exit("replica store: " + kind + ": " + cause.getMessage());
    }

    boolean broken() {
        return broken;
    }

    IllegalStateException brokenError() {
        return new IllegalStateException("replica store: a disk sync failed and the process is exiting (fail-stop)");
    }

    void trace(String kind, ObjectId id, String detail) {
        world.trace().record(kind, "id=" + id.hex() + " " + detail);
    }

    Promise<Void> ready() {
        return ready;
    }

    /** Whether the options plant {@code bug} (never in production configuration). */
    boolean planted(PlantedBug bug) {
        return options.planted(bug);
    }

    @Override
    public boolean initialized() {
        return ready.isSucceeded();
    }

    World world() {
        return world;
    }

    /** The log tree holding generation {@code generation}'s logs. */
    DiskLogStore logs(long generation) {
        return logs[(int) (generation % 2)];
    }

    static String logRoot(long generation) {
        return generation % 2 == 0 ? LOGS : LOGS_ODD;
    }

    private static String parentOf(String path) {
        int slash = path.lastIndexOf('/');
        Invariants.check(slash > 0, "path '%s' has no parent", path);
        return path.substring(0, slash);
    }

    /** The 32 id bytes a state file name encodes, or empty for any other name. */
    private static Optional<byte[]> parseHexId(String name) {
        if (name.length() != ObjectId.BYTES * 2) return Optional.empty();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return Optional.empty();
        }
        return Optional.of(HexFormat.of().parseHex(name));
    }
}
