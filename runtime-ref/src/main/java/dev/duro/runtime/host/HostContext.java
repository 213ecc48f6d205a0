package dev.duro.runtime.host;

import dev.duro.model.async.Promise;
import dev.duro.model.object.ObjectContext;
import dev.duro.model.object.ObjectId;
import dev.duro.model.object.ObjectNamespace;
import dev.duro.model.object.Request;
import dev.duro.model.storage.Storage;
import dev.duro.model.websocket.AutoResponse;
import dev.duro.model.websocket.WebSocket;
import dev.duro.model.world.Entropy;
import dev.duro.model.world.TimerHandle;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** The {@link ObjectContext} of one activation; every call checks that the activation still serves. */
final class HostContext implements ObjectContext {
    private final Activation activation;
    private Entropy entropy;

    HostContext(Activation activation) {
        this.activation = activation;
    }

    @Override
    public ObjectId id() {
        return activation.key.id();
    }

    @Override
    public Storage storage() {
        return activation.storage;
    }

    @Override
    public <T> Promise<T> blockConcurrencyWhile(Supplier<Promise<T>> fn) {
        return activation.blockConcurrencyWhile(fn);
    }

    @Override
    public WebSocket acceptWebSocket(Request request, String... tags) {
        return activation.acceptWebSocket(request, tags == null ? List.of() : Arrays.asList(tags));
    }

    @Override
    public List<WebSocket> getWebSockets() {
        activation.checkServing();
        List<WebSocket> out = new ArrayList<>();
        for (HostWebSocket ws : activation.slot.sockets.values()) {
            if (ws.isOpen()) out.add(ws);
        }
        return List.copyOf(out);
    }

    @Override
    public List<WebSocket> getWebSockets(String tag) {
        activation.checkServing();
        List<WebSocket> out = new ArrayList<>();
        for (HostWebSocket ws : activation.slot.sockets.values()) {
            if (ws.isOpen() && ws.tags().contains(tag)) out.add(ws);
        }
        return List.copyOf(out);
    }

    @Override
    public List<String> getTags(WebSocket socket) {
        return socket instanceof HostWebSocket ws && ws.slot == activation.slot ? ws.tags() : List.of();
    }

    @Override
    public void setWebSocketAutoResponse(AutoResponse pair) {
        activation.checkServing();
        activation.slot.autoResponse = pair;
    }

    @Override
    public Optional<AutoResponse> getWebSocketAutoResponse() {
        return Optional.ofNullable(activation.slot.autoResponse);
    }

    @Override
    public void abort(String reason) {
        activation.abort(reason);
    }

    @Override
    public ObjectNamespace namespace(String binding) {
        activation.host.deployment.namespace(binding); // UNKNOWN_NAMESPACE naming the bound ones
        return new HostNamespace(activation, binding, activation.host.ids(binding));
    }

    @Override
    public long nowMillis() {
        return activation.host.world.clock().wallMillis();
    }

    @Override
    public TimerHandle setTimeout(long delayMillis, Runnable task) {
        return activation.setTimeout(delayMillis, task);
    }

    @Override
    public Entropy entropy() {
        if (entropy == null) {
            // Per object and per activation, so a re-activation does not replay the same draws.
            entropy = activation.host.world.entropy().derive("object/" + id().hex() + "/epoch/" + activation.epoch);
        }
        return entropy;
    }

    @Override
    public <T> Promise<T> completed(T value) {
        return Promise.succeeded(activation.host.loop, value);
    }

    @Override
    public <T> Promise<T> failed(Throwable failure) {
        return Promise.failed(activation.host.loop, failure);
    }

    @Override
    public <T> Promise<T> promise() {
        return Promise.on(activation.host.loop);
    }
}
