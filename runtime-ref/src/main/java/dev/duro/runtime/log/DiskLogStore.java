package dev.duro.runtime.log;

import dev.duro.model.async.Promise;
import dev.duro.model.object.ObjectId;
import dev.duro.model.world.Disk;
import dev.duro.model.world.DiskException;
import dev.duro.model.world.DiskFile;
import dev.duro.model.world.World;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Objects' logs on this node's {@link Disk}: one directory per object with checksummed, fsynced
 * segment files and snapshots (layout in {@link LogLayout}, bytes in {@link LogFormat}, the
 * durability argument in docs/log.md). Runs the same in simulation and deployment: everything goes
 * through the {@link World}.
 *
 * <p>One store per node incarnation; all calls on the world's loop. {@link #open} returns the same
 * {@link ObjectLog} for the same object for the store's life.
 */
public final class DiskLogStore implements LogStore {
    private final World world;
    private final LogOptions options;
    /** The directory holding every namespace's directory ({@link LogLayout#ROOT} for the node's own logs). */
    private final String root;
    private final TreeMap<String, DiskObjectLog> logs = new TreeMap<>();
    /** Directories whose entry in their parent this incarnation has made durable (a completed parent sync). */
    private final Set<String> durableDirs = new HashSet<>();

    public DiskLogStore(World world, LogOptions options) {
        this(world, options, LogLayout.ROOT);
    }

    /**
     * A store under {@code root} instead of {@code objects}: a replica store keeps its copies of
     * other owners' logs apart from the node's own. The caller makes {@code root}'s own entry in its
     * parent durable (the store syncs {@code root}'s parent, not the directories above it).
     *
     * @param root a relative directory path, e.g. {@code replicas/logs}
     */
    public DiskLogStore(World world, LogOptions options, String root) {
        this.world = Objects.requireNonNull(world, "world");
        this.options = Objects.requireNonNull(options, "options");
        Objects.requireNonNull(root, "root");
        if (root.isEmpty() || root.startsWith("/") || root.endsWith("/") || root.contains("..")) {
            throw new IllegalArgumentException("log store root must be a relative directory path like 'replicas/logs', got '" + root + "'");
        }
        this.root = root;
    }

    /**
     * The log of {@code id} in {@code namespace}; creates nothing on disk until the first append or
     * snapshot. Call {@link ObjectLog#recover()} before appending.
     *
     * @throws IllegalArgumentException if the namespace name is empty or too long for a directory name
     */
    @Override
    public ObjectLog open(String namespace, ObjectId id) {
        Objects.requireNonNull(id, "id");
        String dir = LogLayout.objectDir(root, namespace, id);
        return logs.computeIfAbsent(dir, d -> new DiskObjectLog(this, namespace, id, d));
    }

    /** Every object of {@code namespace} that has a log (a {@code meta} file), ordered by id, with its name when known. */
    @Override
    public Promise<List<ObjectId>> list(String namespace) {
        try {
            String nsDir = LogLayout.namespaceDir(root, namespace);
            Disk disk = world.disk();
            List<ObjectId> ids = new ArrayList<>();
            for (String entry : disk.list(nsDir)) {
                if (!LogLayout.isHexId(entry)) continue;
                String metaPath = nsDir + "/" + entry + "/" + LogLayout.META;
                if (!disk.exists(metaPath)) continue; // an unfinished creation or a destroyed object
                Optional<LogFormat.Meta> meta = readMeta(disk, metaPath);
                if (meta.isPresent() && !meta.get().namespace().equals(namespace)) continue; // case clash
                String name = meta.filter(m -> m.id().hex().equals(entry)).flatMap(m -> m.id().name()).orElse(null);
                ids.add(ObjectId.of(HexFormat.of().parseHex(entry), name));
            }
            ids.sort(null);
            return Promise.succeeded(world.loop(), List.copyOf(ids));
        } catch (IllegalArgumentException | DiskException e) {
            return Promise.failed(world.loop(), new IllegalStateException(
                    "cannot list the objects of namespace '" + namespace + "': " + e.getMessage(), e));
        }
    }

    static Optional<LogFormat.Meta> readMeta(Disk disk, String metaPath) {
        try (DiskFile file = disk.open(metaPath, false)) {
            return LogFormat.decodeMeta(file.readFully(0, (int) file.size()));
        }
    }

    /**
     * Makes the empty log of {@code id} begin at {@code base} instead of batch 1 (see
     * docs/log.md, "Starting from a snapshot"): for a replica installing a log whose older batches
     * were dropped. Call after {@link ObjectLog#recover()} returned an empty log (possibly after
     * {@link ObjectLog#destroy()}); wait for the promise before appending batch
     * {@code base.seq() + 1}.
     */
    public Promise<Void> startFrom(String namespace, ObjectId id, Snapshot base) {
        Objects.requireNonNull(base, "base");
        return ((DiskObjectLog) open(namespace, id)).startFrom(base);
    }

    /**
     * The directory name a namespace gets on disk (escaped, see docs/log.md), for stores that keep
     * files of their own next to the logs.
     *
     * @throws IllegalArgumentException if the name is empty or too long once escaped
     */
    public static String namespaceDirectoryName(String namespace) {
        return LogLayout.escapeNamespace(namespace);
    }

    String root() {
        return root;
    }

    World world() {
        return world;
    }

    LogOptions options() {
        return options;
    }

    boolean isDurableDir(String dir) {
        return durableDirs.contains(dir);
    }

    void markDurableDirs(List<String> dirs) {
        durableDirs.addAll(dirs);
    }
}
