package dev.duro.scenarios.demo;

import dev.duro.model.history.History;
import dev.duro.model.history.HistoryRecorder;
import dev.duro.model.util.Invariants;
import dev.duro.model.world.Entropy;
import dev.duro.model.world.NodeId;
import dev.duro.model.world.NodeProgram;
import dev.duro.model.world.TimerHandle;
import dev.duro.model.world.World;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The log demo's client: appends records to random nodes, retries on timeout (same request id,
 * same node), records every acknowledgement, and after the fault phase reads every node's log.
 * It runs on a node of its own that the nemesis never touches.
 */
final class LogClient implements NodeProgram {
    /** Settings; times are in the client's monotonic nanoseconds from its start. */
    record Settings(List<NodeId> servers, int requests, long intervalNanos, long timeoutNanos,
                    int maxAttempts, long stopAtNanos, long finalReadAtNanos, int payloadBytes) {
        Settings {
            Invariants.check(stopAtNanos < finalReadAtNanos, "the workload must stop before the final read");
        }
    }

    /** One acknowledgement: {@code node} said {@code requestId} is durable at {@code index}. */
    record Ack(NodeId node, long requestId, long index, long atNanos) {}

    /** Process id of the final reads in each node's history (request ids are the other processes). */
    static final int FINAL_READ_PROCESS = 0;

    private final Settings settings;
    private final List<Ack> acks = new ArrayList<>();
    private final List<String> protocolViolations = new ArrayList<>();
    /** Final log of each node: request id per index. */
    private final Map<NodeId, List<Long>> finalLogs = new TreeMap<>();
    private final Map<Long, Pending> pending = new TreeMap<>();
    /** What the client observed, per node (each node's log is its own append-only collection). */
    private final Map<NodeId, HistoryRecorder> histories = new TreeMap<>();
    private final Map<NodeId, HistoryRecorder.Handle> finalReads = new TreeMap<>();
    private int issued;
    private int gaveUp;
    private int refusals;
    private World world;
    private Entropy entropy;
    private long startNanos;
    private boolean stopped;

    private static final class Pending {
        final NodeId node;
        final byte[] payload;
        final HistoryRecorder.Handle op;
        int attempts;
        TimerHandle timeout;

        Pending(NodeId node, byte[] payload, HistoryRecorder.Handle op) {
            this.node = node;
            this.payload = payload;
            this.op = op;
        }
    }

    LogClient(Settings settings) {
        Invariants.check(!settings.servers().isEmpty(), "log client needs servers");
        this.settings = settings;
    }

    @Override
    public void start(World world) {
        Invariants.check(this.world == null, "the client node must never restart: the nemesis leaves it alone");
        this.world = world;
        this.entropy = world.entropy().derive("log-client");
        this.startNanos = world.clock().monotonicNanos();
        for (NodeId server : settings.servers()) histories.put(server, new HistoryRecorder());
        world.transport().onReceive(this::receive);
        world.loop().schedule(settings.intervalNanos(), this::issueNext);
        world.loop().schedule(settings.stopAtNanos(), this::stop);
        world.loop().schedule(settings.finalReadAtNanos(), this::readAll);
    }

    /**
     * Ends the workload: unanswered requests are abandoned (outcome unknown). Every acknowledgement
     * recorded was then received before the final read was sent, so it was sent before the node
     * answered that read, and the read must show the record.
     */
    private void stop() {
        stopped = true;
        for (Pending p : pending.values()) {
            p.timeout.cancel();
            histories.get(p.node).info(p.op, nowNanos());
            gaveUp++;
        }
        pending.clear();
    }

    /** The history the client observed against {@code node}'s log: appends, then one final read. */
    History history(NodeId node) {
        return histories.get(node).build();
    }

    private long nowNanos() {
        return world.clock().monotonicNanos() - startNanos;
    }

    List<Ack> acks() {
        return acks;
    }

    Map<NodeId, List<Long>> finalLogs() {
        return finalLogs;
    }

    List<String> protocolViolations() {
        return protocolViolations;
    }

    int issued() {
        return issued;
    }

    int gaveUp() {
        return gaveUp;
    }

    int refusals() {
        return refusals;
    }

    private void issueNext() {
        if (stopped || issued >= settings.requests()) return;
        long requestId = ++issued;
        NodeId node = settings.servers().get(entropy.nextInt(settings.servers().size()));
        byte[] payload = new byte[1 + entropy.nextInt(settings.payloadBytes())];
        entropy.nextBytes(payload);
        // One process per request, as Jepsen does for concurrent clients: each has one open operation.
        Pending p = new Pending(node, payload,
                histories.get(node).invoke(Math.toIntExact(requestId), "append", requestId, nowNanos()));
        pending.put(requestId, p);
        attempt(requestId, p);
        long jitter = entropy.nextLong(settings.intervalNanos());
        world.loop().schedule(settings.intervalNanos() / 2 + jitter, this::issueNext);
    }

    private void attempt(long requestId, Pending p) {
        p.attempts++;
        world.transport().send(p.node, LogMessage.encode(new LogMessage.Append(requestId, p.payload)));
        p.timeout = world.loop().schedule(settings.timeoutNanos(), () -> {
            if (pending.get(requestId) != p) return;
            if (p.attempts >= settings.maxAttempts()) {
                pending.remove(requestId); // outcome unknown: may or may not be in the log
                histories.get(p.node).info(p.op, nowNanos());
                gaveUp++;
            } else {
                attempt(requestId, p);
            }
        });
    }

    private void receive(NodeId from, byte[] bytes) {
        LogMessage message;
        try {
            message = LogMessage.decode(bytes);
        } catch (IllegalArgumentException e) {
            protocolViolations.add("undecodable message from " + from + ": " + e.getMessage());
            return;
        }
        long now = nowNanos();
        switch (message) {
            case LogMessage.Appended a -> {
                for (Ack earlier : acks) {
                    if (earlier.node().equals(from) && earlier.requestId() == a.requestId() && earlier.index() != a.index()) {
                        protocolViolations.add(from + " acknowledged request " + a.requestId() + " at index "
                                + earlier.index() + " and later at " + a.index());
                    }
                }
                Pending p = pending.get(a.requestId());
                if (p != null && p.node.equals(from)) {
                    pending.remove(a.requestId());
                    p.timeout.cancel();
                    acks.add(new Ack(from, a.requestId(), a.index(), now));
                    histories.get(from).ok(p.op, a.requestId(), now);
                }
            }
            case LogMessage.Refused r -> refusals++;
            case LogMessage.LogContents c -> {
                HistoryRecorder.Handle read = finalReads.get(from);
                if (read != null && !finalLogs.containsKey(from)) {
                    finalLogs.put(from, c.requestIdsByIndex());
                    histories.get(from).ok(read, c.requestIdsByIndex(), now);
                }
            }
            default -> protocolViolations.add("unexpected " + message.getClass().getSimpleName() + " from " + from);
        }
    }

    /** Asks every node for its log until each has answered (nodes answer once recovered). */
    private void readAll() {
        boolean missing = false;
        for (NodeId node : settings.servers()) {
            if (finalLogs.containsKey(node)) continue;
            missing = true;
            // The read is one operation from its first request until an answer arrives.
            finalReads.computeIfAbsent(node, n -> histories.get(n).invoke(FINAL_READ_PROCESS, "read", null, nowNanos()));
            world.transport().send(node, LogMessage.encode(new LogMessage.ReadLog(0)));
        }
        if (missing) world.loop().schedule(settings.timeoutNanos(), this::readAll);
    }
}
