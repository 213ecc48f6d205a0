package dev.duro.scenarios.chat;

import dev.duro.model.object.Request;
import dev.duro.model.websocket.WebSocketMessage;
import dev.duro.client.ClientWebSocket;
import dev.duro.scenarios.frame.ClientProgram;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * One chat member on its own client node: keeps a WebSocket to the room (reconnecting after a
 * break or after leaving on purpose), catches up on every (re)connect with {@code hist} from the
 * last seq it holds without a hole, posts messages (resending unacknowledged ones on reconnect:
 * the room deduplicates by msgId; not after the workload stopped), stays quiet during the scenario's quiet windows (sending only
 * {@code ping}, answered by the platform) so the room hibernates, and catches up once more after
 * the workload stopped.
 */
final class ChatMember extends ClientProgram {
    record Settings(String member, long intervalNanos, double leaveChance, List<long[]> quietWindowsNanos,
                    long stopAtNanos, long finalReadAtNanos, long endNanos, boolean logReader) {}

    private final Settings settings;
    private final List<List<Long>> liveSeqs = new ArrayList<>();
    private final List<ChatChecks.Seen> seen = new ArrayList<>();
    private final TreeMap<Long, ChatChecks.Seen> view = new TreeMap<>();
    private final Set<String> posted = new LinkedHashSet<>();
    private final Set<String> unacknowledged = new LinkedHashSet<>();
    private final Set<String> acknowledged = new LinkedHashSet<>();
    private ClientWebSocket socket;
    private int connection = -1;
    private boolean connecting;
    private int posts;
    private int pongs;
    private int breaks;
    private long finalHistMax = -1;
    private boolean finalDone;
    /** The socket the last final catch-up was sent on, unanswered so far. */
    private ClientWebSocket finalAskedOn;
    private List<ChatChecks.Seen> finalLog;

    ChatMember(int index, LongSupplier virtualNanos, long timeoutNanos, Settings settings) {
        super("chat-" + settings.member(), index, virtualNanos, timeoutNanos);
        this.settings = settings;
    }

    @Override
    protected void begin() {
        connect();
        after(settings.intervalNanos() / 2 + entropy.nextLong(settings.intervalNanos()), this::tick);
        at(settings.finalReadAtNanos(), this::finalCatchUp);
        if (settings.logReader()) at(settings.finalReadAtNanos(), this::readLog);
    }

    private boolean quiet() {
        long now = now();
        for (long[] w : settings.quietWindowsNanos()) if (now >= w[0] && now < w[1]) return true;
        return false;
    }

    private void connect() {
        if (connecting || socket != null || now() >= settings.endNanos()) return;
        connecting = true;
        int conn = liveSeqs.size();
        liveSeqs.add(new ArrayList<>());
        ClientWebSocket.Listener listener = new ClientWebSocket.Listener() {
            @Override
            public void onMessage(WebSocketMessage m) {
                receive(conn, m.asText());
            }

            @Override
            public void onClose(int code, String reason, boolean wasClean) {
                if (connection != conn) return;
                socket = null;
                if (!wasClean) breaks++;
                after(100_000_000L + entropy.nextLong(500_000_000L), ChatMember.this::connect);
            }
        };
        access.connect(ChatScenario.NAMESPACE, ChatScenario.ROOM,
                Request.webSocketUpgrade("/connect?member=" + settings.member()), listener, timeoutNanos)
                .whenComplete((ws, failure) -> {
                    connecting = false;
                    // Closed already: its onClose ran before this callback (a reset right after the
                    // 101), when this connection was not yet current, so nothing else will reconnect.
                    if (failure != null || !ws.isOpen()) {
                        if (failure == null) breaks++;
                        after(100_000_000L + entropy.nextLong(500_000_000L), this::connect);
                        return;
                    }
                    socket = ws;
                    connection = conn;
                    ws.send("hist " + contiguousMax());
                    // A resend is a write. After the stop the workload writes nothing more (a post still
                    // unacknowledged then stays indeterminate, like every request open at the stop): the
                    // final log read must not race a post made after it, which the checks would count as
                    // lost. On a cluster the room serves again only a lease after the full restart, past
                    // the final read, so a resend would race it in most runs.
                    if (now() < settings.stopAtNanos()) for (String id : unacknowledged) ws.send("post " + id);
                });
    }

    /** The last seq up to which this member holds every message: where catching up starts. */
    private long contiguousMax() {
        long s = 0;
        while (view.containsKey(s + 1)) s++;
        return s;
    }

    private void tick() {
        if (now() >= settings.stopAtNanos()) return;
        after(settings.intervalNanos() / 2 + entropy.nextLong(settings.intervalNanos()), this::tick);
        if (socket == null || !socket.isOpen()) return;
        if (quiet()) {
            if (entropy.chance(0.3)) socket.send("ping");
            return;
        }
        if (entropy.chance(settings.leaveChance())) {
            ClientWebSocket s = socket;
            socket = null;
            connection = -1; // its onClose must not reconnect: this member comes back on its own
            s.close(1000, "leaving for a while");
            after(200_000_000L + entropy.nextLong(800_000_000L), this::connect);
            return;
        }
        String id = settings.member() + "-" + (++posts);
        posted.add(id);
        unacknowledged.add(id);
        socket.send("post " + id);
    }

    private void receive(int conn, String text) {
        String[] p = text.split(" ");
        switch (p[0]) {
            case "msg" -> {
                ChatChecks.Seen s = ChatChecks.Seen.parse(p, 1);
                liveSeqs.get(conn).add(s.seq());
                note(s);
            }
            case "hist", "dup" -> note(ChatChecks.Seen.parse(p, 1));
            case "hist-end" -> {
                if (now() >= settings.finalReadAtNanos() && !finalDone) {
                    finalDone = true;
                    finalHistMax = Long.parseLong(p[1]);
                }
            }
            case "pong" -> pongs++;
            default -> { } // "error ...": nothing this member sent is unknown to the room
        }
    }

    private void note(ChatChecks.Seen s) {
        seen.add(s);
        view.putIfAbsent(s.seq(), s);
        if (s.member().equals(settings.member()) && unacknowledged.remove(s.msgId())) acknowledged.add(s.msgId());
    }

    /** After the stop: one more catch-up (repeated until it is answered). */
    private void finalCatchUp() {
        if (finalDone || now() >= settings.endNanos()) return;
        if (socket != null && socket.isOpen() && socket == finalAskedOn) {
            // Asked on this socket a timeout ago and heard nothing: its node may be gone for good,
            // which the socket itself notices only at its idle timeout. Drop it and reconnect.
            ClientWebSocket s = socket;
            socket = null;
            connection = -1;
            s.close(1000, "no answer to the catch-up");
        }
        if (socket != null && socket.isOpen()) {
            socket.send("hist " + contiguousMax());
            finalAskedOn = socket;
        } else {
            connect(); // a (re)connect sends hist itself
        }
        after(timeoutNanos, this::finalCatchUp);
    }

    private void readLog() {
        untilAnswered(ChatScenario.NAMESPACE, ChatScenario.ROOM, Request.get("/log"), r -> {
            List<ChatChecks.Seen> log = new ArrayList<>();
            for (String line : r.bodyText().split("\n")) if (!line.isBlank()) log.add(ChatChecks.Seen.parse(line.split(" "), 0));
            finalLog = log;
        });
    }

    ChatChecks.MemberView view() {
        return new ChatChecks.MemberView(settings.member(), liveSeqs, seen, posted, acknowledged, finalHistMax, finalDone);
    }

    List<ChatChecks.Seen> finalLog() {
        return finalLog;
    }

    int posts() {
        return posts;
    }

    int pongs() {
        return pongs;
    }

    int breaks() {
        return breaks;
    }

    int connections() {
        return liveSeqs.size();
    }

    boolean finalDone() {
        return finalDone;
    }
}
