package dev.duro.runtime.cluster;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.object.ObjectId;
import dev.duro.model.world.NodeId;
import dev.duro.model.world.World;
import dev.duro.runtime.log.LogEntry;
import dev.duro.runtime.log.LogStore;
import dev.duro.runtime.log.ObjectLog;
import dev.duro.runtime.log.Recovery;
import dev.duro.runtime.log.Snapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Ideal replicated storage for tests of routing and failover: one in-memory log per object that
 * every node of the simulation reads and writes, durable at once (it survives any crash), listed
 * at the nodes of the object's replica set. No fencing beyond refusing an append whose sequence
 * number does not follow the log's (two writers at once fail, not corrupt). Stands in for
 * {@code Replication} so the cluster layer can be tested on its own.
 */
final class SharedLogs {
    private final TreeMap<String, Stored> logs = new TreeMap<>();
    /** "n<k> ns/hex": copies a node does not list, as if it had missed every write of the object. */
    private final java.util.TreeSet<String> hidden = new java.util.TreeSet<>();

    NodeStorage.Factory factory() {
        return (world, cluster, placement, config, firstBoot) -> new Node(world, placement);
    }

    /** {@code node} will not list the object among its replicas (it missed the writes). */
    void hideFrom(NodeId node, String namespace, ObjectId id) {
        hidden.add(node + " " + key(namespace, id));
    }

    /** Batches durably stored for the object, after its latest snapshot. */
    int batches(String namespace, ObjectId id) {
        Stored s = logs.get(key(namespace, id));
        return s == null ? 0 : s.entries.size();
    }

    private static String key(String namespace, ObjectId id) {
        return namespace + "/" + id.hex();
    }

    private static final class Stored {
        final String namespace;
        final ObjectId id;
        Optional<Snapshot> snapshot = Optional.empty();
        final List<LogEntry> entries = new ArrayList<>();

        Stored(String namespace, ObjectId id) {
            this.namespace = namespace;
            this.id = id;
        }

        long lastSeq() {
            return entries.isEmpty() ? snapshot.map(Snapshot::seq).orElse(0L) : entries.getLast().seq();
        }
    }

    private final class Node implements NodeStorage {
        final World world;
        final Placement placement;

        Node(World world, Placement placement) {
            this.world = world;
            this.placement = placement;
        }

        @Override
        public LogStore logStore() {
            return new LogStore() {
                @Override
                public ObjectLog open(String namespace, ObjectId id) {
                    return new Log(world, namespace, id);
                }

                @Override
                public Promise<List<ObjectId>> list(String namespace) {
                    // as Replication lists: objects this node holds and ranks first for
                    return Promise.succeeded(world.loop(), held(namespace, true));
                }
            };
        }

        @Override
        public Promise<List<ObjectId>> replicatedObjects(String namespace) {
            return Promise.succeeded(world.loop(), held(namespace, false));
        }

        private List<ObjectId> held(String namespace, boolean firstOnly) {
            List<ObjectId> out = new ArrayList<>();
            for (Stored s : logs.values()) {
                if (!s.namespace.equals(namespace) || hidden.contains(world.self() + " " + key(namespace, s.id))) continue;
                List<NodeId> replicas = placement.replicas(namespace, s.id);
                if (firstOnly ? replicas.getFirst().equals(world.self()) : replicas.contains(world.self())) out.add(s.id);
            }
            out.sort(null);
            return out;
        }

        @Override
        public void start() {
        }

        @Override
        public void receive(NodeId from, byte[] message) {
        }
    }

    private final class Log implements ObjectLog {
        final World world;
        final String namespace;
        final ObjectId id;

        Log(World world, String namespace, ObjectId id) {
            this.world = world;
            this.namespace = namespace;
            this.id = id;
        }

        private Stored stored() {
            return logs.computeIfAbsent(key(namespace, id), k -> new Stored(namespace, id));
        }

        @Override
        public Promise<Recovery> recover() {
            Stored s = logs.get(key(namespace, id));
            if (s == null) return Promise.succeeded(world.loop(), new Recovery(Optional.empty(), List.of(), List.of()));
            List<Recovery.Mark> marks = s.entries.stream().map(e -> new Recovery.Mark(e.seq(), e.wallMillis())).toList();
            return Promise.succeeded(world.loop(), new Recovery(s.snapshot, List.copyOf(s.entries), marks));
        }

        @Override
        public Promise<Void> append(LogEntry entry) {
            Stored s = stored();
            if (entry.seq() != s.lastSeq() + 1) {
                return Promise.failed(world.loop(), new DuroException(ErrorCode.UNAVAILABLE, "batch " + entry.seq()
                        + " does not follow " + s.lastSeq() + ": another writer appended meanwhile"));
            }
            s.entries.add(entry);
            return Promise.succeeded(world.loop(), null);
        }

        @Override
        public Promise<Void> snapshot(Snapshot snapshot) {
            Stored s = stored();
            s.snapshot = Optional.of(snapshot);
            s.entries.removeIf(e -> e.seq() <= snapshot.seq());
            return Promise.succeeded(world.loop(), null);
        }

        @Override
        public Promise<Recovery> recoverAt(long seq) {
            return Promise.failed(world.loop(), new DuroException(ErrorCode.INVALID_BOOKMARK, "shared test logs keep no history"));
        }

        @Override
        public Promise<Void> destroy() {
            logs.remove(key(namespace, id));
            return Promise.succeeded(world.loop(), null);
        }
    }
}
