package dev.duro.cli.cluster;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.duro.deploy.faults.LinkFaults;
import dev.duro.model.world.NodeId;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Test only ({@code duro node --fault-admin-port}): the HTTP endpoint through which
 * {@code duro cluster test} sets a node's {@link LinkFaults}, bound to 127.0.0.1 only.
 * {@code POST /faults?dropTo=n1,n2&dropFrom=n1&delayMs=200} replaces the rules (absent = none;
 * {@code POST /faults} alone heals); {@code GET /faults} shows them with the counters. Answers
 * one line; 400 for a malformed parameter.
 */
public final class FaultAdminServer {
    private final HttpServer server;

    private FaultAdminServer(HttpServer server) {
        this.server = server;
    }

    /**
     * Listens on 127.0.0.1:{@code port}.
     *
     * @throws IOException when the port cannot be bound
     */
    public static FaultAdminServer start(int port, LinkFaults faults) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        s.createContext("/faults", exchange -> handle(exchange, faults));
        s.start();
        return new FaultAdminServer(s);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public void stop() {
        server.stop(0);
    }

    private static void handle(HttpExchange exchange, LinkFaults faults) throws IOException {
        int status = 200;
        String body;
        try {
            if (exchange.getRequestMethod().equals("POST")) faults.set(parse(exchange.getRequestURI().getRawQuery()));
            LinkFaults f = faults;
            body = f.rules().describe() + " dropped=" + f.dropped() + " delayed=" + f.delayed() + "\n";
        } catch (IllegalArgumentException e) {
            status = 400;
            body = e.getMessage() + "\n";
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** {@code dropTo=n1,n2&dropFrom=n0&delayMs=100}; absent parameters are empty. */
    static LinkFaults.Rules parse(String query) {
        Set<NodeId> to = new LinkedHashSet<>();
        Set<NodeId> from = new LinkedHashSet<>();
        long delayMs = 0;
        if (query != null && !query.isEmpty()) {
            for (String part : query.split("&")) {
                int eq = part.indexOf('=');
                String k = eq < 0 ? part : part.substring(0, eq);
                String v = eq < 0 ? "" : part.substring(eq + 1);
                switch (k) {
                    case "dropTo" -> ids(v, to);
                    case "dropFrom" -> ids(v, from);
                    case "delayMs" -> {
                        try {
                            delayMs = Long.parseLong(v);
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("delayMs must be a whole number, got '" + v + "'");
                        }
                    }
                    default -> throw new IllegalArgumentException("unknown parameter '" + k + "' (dropTo, dropFrom, delayMs)");
                }
            }
        }
        return new LinkFaults.Rules(to, from, delayMs);
    }

    private static void ids(String list, Set<NodeId> into) {
        for (String id : list.split(",")) {
            if (id.isBlank()) continue;
            into.add(NodeId.parse(id.strip()));
        }
    }
}
