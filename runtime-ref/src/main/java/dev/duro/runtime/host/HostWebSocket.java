package dev.duro.runtime.host;

import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.storage.StoredValues;
import dev.duro.model.websocket.WebSocket;
import dev.duro.model.websocket.WebSocketMessage;
import dev.duro.runtime.edge.ClientSockets;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * An accepted WebSocket. It belongs to the object's slot, not to an activation, so the same
 * handle (with its tags and attachment) is handed to the object after hibernation. Sends and
 * closes are outputs of the current activation; until the 101 response has left, released sends
 * are buffered so the client sees the upgrade first.
 */
final class HostWebSocket implements WebSocket {
    static final int MAX_ATTACHMENT_BYTES = 16 * 1024;
    static final int MAX_CLOSE_REASON_BYTES = 123;

    /** A message or close from the client, waiting to become an event. */
    record Incoming(WebSocketMessage message, int code, String reason, boolean wasClean, boolean close) {
    }

    final ObjectSlot slot;
    private final long id;
    private final List<String> tags;
    private boolean opened;   // the 101 response has left
    private boolean closed;   // no new sends (closed by either side)
    private boolean closedByObject; // the object called close(): a later send is a bug in the object
    private byte[] attachment;
    private final ArrayDeque<Incoming> inbox = new ArrayDeque<>();
    private boolean busy;
    private final List<Runnable> beforeOpen = new ArrayList<>();

    HostWebSocket(ObjectSlot slot, long id, List<String> tags) {
        this.slot = slot;
        this.id = id;
        this.tags = tags;
    }

    @Override
    public long id() {
        return id;
    }

    List<String> tags() {
        return tags;
    }

    @Override
    public void send(String text) {
        send(new WebSocketMessage.Text(text));
    }

    @Override
    public void send(byte[] binary) {
        send(new WebSocketMessage.Binary(binary.clone()));
    }

    private void send(WebSocketMessage message) {
        if (closedByObject) {
            throw new DuroException(ErrorCode.WEBSOCKET_LIMIT, "socket " + id + " of " + slot.key
                    + " was closed by the object itself; it cannot send any more (check isOpen() first)");
        }
        // Closed by the client or the platform: the peer is gone, the message is dropped (as in browsers).
        if (closed) return;
        Activation a = current();
        a.emit("ws-send", () -> toClient(sink -> sink.send(slot.key.namespace(), slot.key.id(), id, message)), () -> { });
    }

    @Override
    public void close(int code, String reason) {
        String why = reason == null ? "" : reason;
        if (why.getBytes(StandardCharsets.UTF_8).length > MAX_CLOSE_REASON_BYTES) {
            throw new DuroException(ErrorCode.WEBSOCKET_LIMIT, "a close reason is at most " + MAX_CLOSE_REASON_BYTES
                    + " UTF-8 bytes");
        }
        if (closed) return;
        Activation a = current();
        closed = true;
        closedByObject = true;
        // The socket stays registered (closed) until its close has left the output gate, so that a
        // client message crossing it is dropped instead of answered "unknown socket" ahead of the
        // object's own, gated, sends and close.
        a.emit("ws-close", () -> {
            slot.dropSocket(this);
            toClient(sink -> sink.close(slot.key.namespace(), slot.key.id(), id, code, why));
        }, () -> slot.dropSocket(this));
    }

    @Override
    public boolean isOpen() {
        return !closed;
    }

    @Override
    public void serializeAttachment(Object value) {
        current();
        byte[] bytes = StoredValues.encode(value);
        if (bytes.length > MAX_ATTACHMENT_BYTES) {
            throw new DuroException(ErrorCode.WEBSOCKET_LIMIT, "a WebSocket attachment is at most " + MAX_ATTACHMENT_BYTES
                    + " bytes encoded, this one is " + bytes.length + "; keep large state in storage");
        }
        attachment = bytes;
    }

    @Override
    public Object deserializeAttachment() {
        return attachment == null ? null : StoredValues.decode(attachment);
    }

    private Activation current() {
        Activation a = slot.activation();
        if (a == null) {
            throw new DuroException(ErrorCode.RESET, "object " + slot.key + " is not active; this socket handle "
                    + "belongs to an activation that has ended");
        }
        a.checkServing();
        return a;
    }

    private void toClient(java.util.function.Consumer<ClientSockets> action) {
        Runnable r = () -> {
            ClientSockets sink = slot.host.clientSockets();
            if (sink != null) action.accept(sink);
        };
        if (opened) r.run();
        else beforeOpen.add(r);
    }

    /** The 101 left: flush what was sent before, after the gateway has seen the response. */
    void opened() {
        opened = true;
        List<Runnable> pending = new ArrayList<>(beforeOpen);
        beforeOpen.clear();
        if (!pending.isEmpty()) {
            slot.host.loop.execute(() -> pending.forEach(Runnable::run));
        }
    }

    /** The platform ends the socket (reset, hook eviction): the client learns at once, no gate. */
    void closeByPlatform(int code, String reason) {
        boolean wasOpen = !closed;
        closed = true;
        inbox.clear();
        beforeOpen.clear();
        ClientSockets sink = slot.host.clientSockets();
        if (wasOpen && opened && sink != null) sink.close(slot.key.namespace(), slot.key.id(), id, code, reason);
    }

    void markClosedByClient() {
        closed = true;
    }

    void inbox(Incoming in) {
        inbox.add(in);
    }

    Incoming nextIncoming() {
        // Messages still waiting when the object closed the socket are not delivered; a client close is.
        while (closedByObject && !inbox.isEmpty() && !inbox.peek().close()) inbox.poll();
        return inbox.poll();
    }

    boolean busy() {
        return busy;
    }

    void setBusy(boolean b) {
        busy = b;
    }

    @Override
    public String toString() {
        return "WebSocket[" + id + (closed ? " closed" : "") + "]";
    }
}
