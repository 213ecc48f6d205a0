package dev.duro.scenarios.demo;

import dev.duro.model.util.Invariants;
import dev.duro.model.world.Disk;
import dev.duro.model.world.DiskException;
import dev.duro.model.world.DiskFile;
import dev.duro.model.world.NodeId;
import dev.duro.model.world.NodeProgram;
import dev.duro.model.world.World;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A node of the log demo: appends client records to a checksummed log on its disk and
 * acknowledges each one only after an fsync that covers it (group commit: one sync in flight,
 * the next covers everything written meanwhile).
 *
 * <p>Fault model: the node may crash at any instant (volatile state and unsynced writes lost,
 * possibly torn); messages may be lost, duplicated, delayed or reordered; an fsync may fail. It
 * does not survive corruption of synced data (a single copy has nothing to repair from); the demo
 * does not inject it. After a failed fsync the page cache may no longer match the disk, so the
 * node fails stop ({@link World#exit}) and recovers from what is durable when its supervisor
 * restarts it (the PostgreSQL "fsyncgate" lesson: never retry an fsync and trust the cache).
 *
 * <p>{@code ackBeforeSync} plants a bug for the demo's own tests: acknowledge on write, before
 * the fsync. The end-of-run check must catch it.
 */
final class LogNode implements NodeProgram {
    static final String DIR = "log";
    static final String FILE = DIR + "/records";

    private final boolean ackBeforeSync;

    LogNode(boolean ackBeforeSync) {
        this.ackBeforeSync = ackBeforeSync;
    }

    @Override
    public void start(World world) {
        new Incarnation(world, ackBeforeSync).recover();
    }

    /** One life of the node: everything here is lost on a crash. */
    private static final class Incarnation {
        private final World world;
        private final boolean ackBeforeSync;
        private final Disk disk;
        private DiskFile file;
        /** Request id of the record at each index; durable up to {@code durableCount}. */
        private final List<Long> requestIds = new ArrayList<>();
        private final Map<Long, Long> indexByRequest = new HashMap<>();
        private long durableCount;
        private boolean ready;
        private boolean broken;
        private boolean syncInFlight;
        /** Clients waiting for an index to become durable, in index order. */
        private final Map<Long, List<NodeId>> waiters = new LinkedHashMap<>();

        Incarnation(World world, boolean ackBeforeSync) {
            this.world = world;
            this.ackBeforeSync = ackBeforeSync;
            this.disk = world.disk();
        }

        void recover() {
            world.transport().onReceive(this::receive);
            disk.createDirectories(DIR);
            file = disk.open(FILE, true);
            byte[] bytes = file.readFully(0, (int) file.size());
            LogRecords.Recovered recovered = LogRecords.decodePrefix(bytes);
            for (LogRecords.Entry e : recovered.entries()) {
                Invariants.check(e.index() == requestIds.size(), "recovered index %d out of order", e.index());
                indexByRequest.put(e.requestId(), e.index());
                requestIds.add(e.requestId());
            }
            if (recovered.validBytes() < bytes.length) {
                world.trace().record("log-truncate", "dropped " + (bytes.length - recovered.validBytes())
                        + " bytes of torn or unsynced tail after " + requestIds.size() + " records");
                file.truncate(recovered.validBytes());
            }
            world.trace().record("log-recover", requestIds.size() + " records");
            // The file's directory entry and the truncation must be durable before the first ack:
            // a record acknowledged in a file that vanishes on crash would be lost.
            disk.syncDirectory("").flatMap(v -> disk.syncDirectory(DIR)).flatMap(v -> file.sync())
                    .whenComplete((v, e) -> {
                        if (e != null) {
                            fail("recovery sync failed: " + e.getMessage());
                            return;
                        }
                        durableCount = requestIds.size();
                        ready = true;
                    });
        }

        private void receive(NodeId from, byte[] bytes) {
            LogMessage message;
            try {
                message = LogMessage.decode(bytes);
            } catch (IllegalArgumentException e) {
                world.trace().record("bad-message", "from " + from + ": " + e.getMessage());
                return;
            }
            switch (message) {
                case LogMessage.Append a -> append(from, a);
                case LogMessage.ReadLog r -> {
                    if (ready) {
                        List<Long> durable = List.copyOf(requestIds.subList(0, (int) durableCount));
                        send(from, new LogMessage.LogContents(r.requestId(), durable));
                    }
                }
                default -> world.trace().record("bad-message", "unexpected " + message.getClass().getSimpleName());
            }
        }

        private void append(NodeId from, LogMessage.Append a) {
            if (!ready || broken) {
                send(from, new LogMessage.Refused(a.requestId(), "recovering"));
                return;
            }
            Long existing = indexByRequest.get(a.requestId());
            if (existing != null) {
                // A retry: answer once the first copy is durable, never append twice.
                if (existing < durableCount) send(from, new LogMessage.Appended(a.requestId(), existing));
                else waiters.computeIfAbsent(existing, k -> new ArrayList<>()).add(from);
                return;
            }
            long index = requestIds.size();
            byte[] record = LogRecords.encode(index, a.requestId(), a.payload());
            try {
                file.append(record);
            } catch (DiskException e) {
                fail("append failed: " + e.getMessage());
                return;
            }
            requestIds.add(a.requestId());
            indexByRequest.put(a.requestId(), index);
            if (ackBeforeSync) {
                send(from, new LogMessage.Appended(a.requestId(), index)); // planted bug
            } else {
                waiters.computeIfAbsent(index, k -> new ArrayList<>()).add(from);
            }
            maybeSync();
        }

        private void maybeSync() {
            if (syncInFlight || broken || durableCount == requestIds.size()) return;
            syncInFlight = true;
            long covered = requestIds.size();
            file.sync().whenComplete((v, e) -> {
                syncInFlight = false;
                if (e != null) {
                    fail("fsync failed: " + e.getMessage());
                    return;
                }
                Invariants.check(covered >= durableCount, "durable count went backwards");
                durableCount = covered;
                ackDurable();
                maybeSync();
            });
        }

        private void ackDurable() {
            var it = waiters.entrySet().iterator();
            while (it.hasNext()) {
                var entry = it.next();
                if (entry.getKey() >= durableCount) continue;
                long requestId = requestIds.get(entry.getKey().intValue());
                for (NodeId client : entry.getValue()) send(client, new LogMessage.Appended(requestId, entry.getKey()));
                it.remove();
            }
        }

        /** Fail-stop; callers return at once, since nothing of this incarnation may run after. */
        private void fail(String why) {
            if (broken) return;
            broken = true;
            world.exit(why);
        }

        private void send(NodeId to, LogMessage message) {
            world.transport().send(to, LogMessage.encode(message));
        }
    }
}
