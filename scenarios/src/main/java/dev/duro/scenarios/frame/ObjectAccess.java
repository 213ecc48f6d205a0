package dev.duro.scenarios.frame;

import dev.duro.model.async.Promise;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.model.util.Invariants;
import dev.duro.model.world.NodeId;
import dev.duro.model.world.World;
import dev.duro.client.ClusterClient;
import dev.duro.runtime.config.ClusterConfig;
import dev.duro.client.ClientWebSocket;
import dev.duro.client.GatewayClient;
import java.util.function.BiFunction;

/**
 * How a workload client reaches objects: the one runtime node's gateway, or a cluster through
 * {@link ClusterClient} (which picks a gateway per object; the node forwards to the owner). Built on the
 * client node's world when it starts.
 */
public interface ObjectAccess {
    Promise<Response> fetch(String namespace, String objectName, Request request, long timeoutNanos);

    Promise<ClientWebSocket> connect(String namespace, String objectName, Request upgrade,
                                     ClientWebSocket.Listener listener, long timeoutNanos);

    /** Builds the access on a client node's world. */
    @FunctionalInterface
    interface Factory {
        ObjectAccess open(World world);
    }

    /** Every call to the gateway of {@code node} (the single-node frame: {@link ObjectWorld#RUNTIME}). */
    static Factory singleNode(NodeId node) {
        return world -> {
            GatewayClient gateway = new GatewayClient(world);
            return new ObjectAccess() {
                @Override
                public Promise<Response> fetch(String namespace, String objectName, Request request, long timeoutNanos) {
                    return gateway.fetch(node, namespace, objectName, request, timeoutNanos);
                }

                @Override
                public Promise<ClientWebSocket> connect(String namespace, String objectName, Request upgrade,
                                                        ClientWebSocket.Listener listener, long timeoutNanos) {
                    return gateway.connect(node, namespace, objectName, upgrade, listener, timeoutNanos);
                }
            };
        };
    }

    /**
     * Calls through a {@link ClusterClient} that knows {@code cluster}'s members, located: every
     * object name is reached as that name at the location {@code locate} gives for (namespace,
     * name); the gateway makes the located id (the client holds no deployment secret). The one
     * place where a scenario's names become located ids.
     */
    static Factory located(ClusterConfig cluster, BiFunction<String, String, String> locate) {
        Invariants.check(cluster.located(), "a located access needs a cluster with locations");
        return world -> {
            ClusterClient client = new ClusterClient(world, cluster.members());
            return new ObjectAccess() {
                @Override
                public Promise<Response> fetch(String namespace, String objectName, Request request, long timeoutNanos) {
                    return client.fetchLocated(namespace, objectName, locate.apply(namespace, objectName), request, timeoutNanos);
                }

                @Override
                public Promise<ClientWebSocket> connect(String namespace, String objectName, Request upgrade,
                                                        ClientWebSocket.Listener listener, long timeoutNanos) {
                    return client.connectLocated(namespace, objectName, locate.apply(namespace, objectName), upgrade, listener,
                            timeoutNanos);
                }
            };
        };
    }

    /** Calls through a {@link ClusterClient} that knows {@code cluster}'s members, as a real client knows its addresses. */
    static Factory cluster(ClusterConfig cluster) {
        return world -> {
            ClusterClient client = new ClusterClient(world, cluster.members());
            return new ObjectAccess() {
                @Override
                public Promise<Response> fetch(String namespace, String objectName, Request request, long timeoutNanos) {
                    return client.fetch(namespace, objectName, request, timeoutNanos);
                }

                @Override
                public Promise<ClientWebSocket> connect(String namespace, String objectName, Request upgrade,
                                                        ClientWebSocket.Listener listener, long timeoutNanos) {
                    return client.connect(namespace, objectName, upgrade, listener, timeoutNanos);
                }
            };
        };
    }
}
