package dev.duro.deploy.http;

import dev.duro.deploy.OnLoop;
import dev.duro.deploy.world.NettyLoop;
import dev.duro.deploy.world.SystemClock;
import dev.duro.model.object.Response;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The HTTP adapter against a front-door double: routes, keep-alive, error mapping, limits, WebSockets, drain. */
class HttpEdgeTest {
    private static final long TIMEOUT_MILLIS = 400;
    private static final int MAX_BODY = 1024;

    private EventLoopGroup io;
    private EventLoopGroup nodeGroup;
    private NettyLoop loop;
    private DoubleDoor door;
    private TestWorker worker;
    private HttpEdge edge;
    private final ConcurrentLinkedQueue<String> log = new ConcurrentLinkedQueue<>();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() {
        io = HttpEdge.newIoGroup(1);
        nodeGroup = HttpEdge.newIoGroup(1);
        loop = new NettyLoop((EventLoop) nodeGroup.next(), SystemClock.INSTANCE, t -> log.add("task threw " + t));
        door = new DoubleDoor(loop);
        worker = new TestWorker(loop);
        edge = HttpEdge.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                List.of(new EdgeTarget("n0", loop, door, worker)),
                HttpOptions.defaults().withMaxBodyBytes(MAX_BODY).withRequestTimeoutMillis(TIMEOUT_MILLIS), io, log::add);
    }

    @AfterEach
    void stop() {
        edge.close();
        loop.stop();
        io.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        nodeGroup.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        assertThat(log).as("nothing logged or thrown on the loop").isEmpty();
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + edge.address().getPort() + path);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void answersThroughTheWorkerOnItsLoop() throws Exception {
        HttpResponse<String> hello = get("/hello");
        assertThat(hello.statusCode()).isEqualTo(200);
        assertThat(hello.body()).isEqualTo("hello\n");
        assertThat(hello.headers().firstValue("content-type")).contains("text/plain; charset=utf-8");
        HttpResponse<String> echo = client.send(HttpRequest.newBuilder(uri("/echo?a=1&b")).POST(HttpRequest.BodyPublishers.ofString("body!"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(echo.body()).isEqualTo("POST /echo?a=1&b body!");
        assertThat(get("/nothing").statusCode()).isEqualTo(404);
    }

    @Test
    void keepsTheConnectionAliveAndAnswersPipelinedRequestsInOrder() throws Exception {
        try (Socket s = socket()) {
            send(s, "GET /echo?1 HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            Raw first = Raw.read(s.getInputStream());
            Raw second = Raw.read(s.getInputStream());
            assertThat(first.status()).isEqualTo(200);
            assertThat(first.body()).isEqualTo("GET /echo?1 ");
            assertThat(first.headers()).containsEntry("connection", "keep-alive");
            assertThat(second.body()).isEqualTo("hello\n");
            send(s, "GET /echo?3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            Raw third = Raw.read(s.getInputStream());
            assertThat(third.body()).isEqualTo("GET /echo?3 ");
            assertThat(third.headers()).containsEntry("connection", "close");
            assertThat(s.getInputStream().read()).as("closed after Connection: close").isEqualTo(-1);
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "MALFORMED_REQUEST, 400, false", "INVALID_ID, 400, false", "INVALID_LOCATION, 400, false",
        "UNKNOWN_NAMESPACE, 404, false", "OVERLOADED, 429, true", "UNAVAILABLE, 503, true", "MOVED, 503, true",
        "RESET, 503, true", "OBJECT_ERROR, 500, false", "STUB_BROKEN, 500, false", "INTERNAL, 500, false",
        "KEY_TOO_LARGE, 500, false",
    })
    void mapsEachErrorCodeToAStatusWithTheCodeInTheBody(String code, int status, boolean retryable) throws Exception {
        HttpResponse<String> r = get("/fail/" + code);
        assertThat(r.statusCode()).isEqualTo(status);
        assertThat(r.headers().firstValue("content-type")).contains("application/json");
        assertThat(r.body()).isEqualTo("{\"error\":\"" + code + "\",\"message\":\"failed on purpose \\\"quoted\\\" second line\","
                + "\"retryable\":" + retryable + "}\n");
        assertThat(r.headers().firstValue("retry-after").isPresent()).as("Retry-After on %s", status)
                .isEqualTo(status == 429 || status == 503);
    }

    @Test
    void anUnknownBindingIs404() throws Exception {
        HttpResponse<String> r = get("/ns/NOPE");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).startsWith("{\"error\":\"UNKNOWN_NAMESPACE\"");
    }

    @Test
    void aThrowingWorkerIs500WithoutAStackTrace() throws Exception {
        HttpResponse<String> r = get("/throw");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.body()).isEqualTo("{\"error\":\"INTERNAL\",\"message\":\"the worker failed: java.lang.IllegalStateException: boom\","
                + "\"retryable\":false}\n");
    }

    @Test
    void aRequestWithoutAnswerGets504AndTheConnectionServesOn() throws Exception {
        try (Socket s = socket()) {
            send(s, "GET /never HTTP/1.1\r\nHost: x\r\n\r\n");
            Raw r = Raw.read(s.getInputStream());
            assertThat(r.status()).isEqualTo(504);
            assertThat(r.body()).startsWith("{\"error\":\"UNAVAILABLE\",\"message\":\"no answer within " + TIMEOUT_MILLIS + " ms");
            assertThat(r.headers()).containsEntry("connection", "close");
        }
        assertThat(get("/hello").statusCode()).isEqualTo(200);
    }

    @Test
    void aBodyOverTheLimitIs413() throws Exception {
        HttpResponse<String> ok = client.send(HttpRequest.newBuilder(uri("/echo")).POST(HttpRequest.BodyPublishers.ofString("x".repeat(MAX_BODY)))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ok.statusCode()).isEqualTo(200);
        try (Socket s = socket()) {
            send(s, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + (MAX_BODY + 1) + "\r\n\r\n" + "y".repeat(MAX_BODY + 1));
            Raw r = Raw.read(s.getInputStream());
            assertThat(r.status()).isEqualTo(413);
            assertThat(r.body()).isEqualTo("{\"error\":\"MALFORMED_REQUEST\",\"message\":\"the request body is larger than "
                    + MAX_BODY + " bytes\",\"retryable\":false}\n");
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "not HTTP        | HELLO THERE\\r\\n\\r\\n",
        "bad version     | GET / HTTP/9\\r\\n\\r\\n",
        "target no slash | GET hello HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n",
        "header too long | GET / HTTP/1.1\\r\\nX-Long: LONG\\r\\n\\r\\n",
    })
    void malformedRequestsGetAClear400(String what, String raw) throws Exception {
        String request = raw.replace("\\r\\n", "\r\n").replace("LONG", "z".repeat(20_000));
        try (Socket s = socket()) {
            send(s, request);
            Raw r = Raw.read(s.getInputStream());
            assertThat(r.status()).as(what).isEqualTo(400);
            assertThat(r.body()).as(what).startsWith("{\"error\":\"MALFORMED_REQUEST\",\"message\":\"")
                    .doesNotContain("\tat ").doesNotContain("Exception:");
        }
    }

    @Test
    void aWebSocketReachesTheDoorsSessionAndEchoes() throws Exception {
        ConcurrentLinkedQueue<String> received = new ConcurrentLinkedQueue<>();
        CompletableFuture<String> closed = new CompletableFuture<>();
        WebSocket ws = client.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + edge.address().getPort() + "/ws/7"),
                new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        received.add(data.toString());
                        w.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
                        closed.complete(code + " " + reason);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        ws.sendText("one", true).get(10, TimeUnit.SECONDS);
        ws.sendText("two", true).get(10, TimeUnit.SECONDS);
        OnLoop.waitUntil(() -> received.size() == 2, 10_000, () -> "two echoes, got " + received + "; door saw " + door.events);
        assertThat(received).containsExactly("one", "two");
        ws.sendText("bye", true).get(10, TimeUnit.SECONDS);
        assertThat(closed.get(10, TimeUnit.SECONDS)).as("the object's close reaches the client").isEqualTo("1000 bye");
        assertThat(door.events).containsExactly("adopted 7", "message one", "message two", "message bye");

        WebSocket second = client.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + edge.address().getPort() + "/ws/7"),
                new WebSocket.Listener() { }).get(10, TimeUnit.SECONDS);
        second.sendClose(1000, "done").get(10, TimeUnit.SECONDS);
        OnLoop.waitUntil(() -> door.events.contains("close 1000 done true"), 10_000, () -> "the client's close; door saw " + door.events);
    }

    @Test
    void anUpgradeTheDoorCannotAdoptFailsWithItsCode() throws Exception {
        try (Socket s = socket()) {
            send(s, "GET /ws/99 HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
            Raw r = Raw.read(s.getInputStream());
            assertThat(r.status()).isEqualTo(500);
            assertThat(r.body()).startsWith("{\"error\":\"INTERNAL\",\"message\":\"no socket '99' to adopt\"");
        }
    }

    @Test
    void drainClosesTheListenerAndAnswersWhatIsInFlight() throws Exception {
        try (Socket s = socket()) {
            send(s, "GET /held HTTP/1.1\r\nHost: x\r\n\r\n");
            OnLoop.waitUntil(() -> worker.held.size() == 1, 10_000, () -> "the held request reached the worker");
            assertThat(edge.inFlight()).isEqualTo(1);
            edge.drain();
            // (not a connect attempt: on a shared machine another process may take the freed port at once)
            assertThat(edge.listening()).as("the listener is closed").isFalse();
            loop.execute(() -> worker.held.poll().complete(Response.ok("late\n")));
            Raw r = Raw.read(s.getInputStream());
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("late\n");
            assertThat(r.headers()).containsEntry("connection", "close");
        }
        OnLoop.waitUntil(() -> edge.inFlight() == 0, 10_000, () -> "nothing in flight");
    }

    // ---------------------------------------------------------------- clients that hold the node

    /** Replaces the listener with one of other limits (same door, worker and loop). */
    private void rebind(HttpOptions options) {
        edge.close();
        edge = HttpEdge.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                List.of(new EdgeTarget("n0", loop, door, worker)), options, io, log::add);
    }

    @Test
    void aSlowlorisRequestGets408AndItsConnectionCloses() throws Exception {
        rebind(HttpOptions.defaults().withConnectionTimeouts(300, 60_000));
        try (Socket s = socket()) {
            send(s, "GET /hello HTTP/1.1\r\nHost: x\r\n");
            long sent = 0;
            IOException cut = null;
            try {
                for (int i = 0; i < 40; i++) { // a header byte every 50 ms: never finishes
                    Thread.sleep(50);
                    send(s, "X");
                    sent++;
                }
            } catch (IOException e) {
                cut = e; // the node closed while we were still trickling
            }
            Raw answer = Raw.read(s.getInputStream());
            assertThat(answer.status()).isEqualTo(408);
            assertThat(answer.body()).contains("not received within 300 ms").contains("nothing ran");
            assertThat(answer.headers()).containsEntry("connection", "close");
            assertThat(s.getInputStream().read()).as("closed after the 408").isEqualTo(-1);
            assertThat(sent).as("cut off before the trickle ended (%s)", cut).isLessThan(40);
        }
        assertThat(get("/hello").statusCode()).as("others are served").isEqualTo(200);
    }

    @Test
    void anIdleConnectionIsClosedButAWebSocketIsNot() throws Exception {
        rebind(HttpOptions.defaults().withConnectionTimeouts(5_000, 300));
        try (Socket s = socket()) {
            send(s, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(Raw.read(s.getInputStream()).status()).isEqualTo(200);
            assertThat(s.getInputStream().read()).as("closed once idle").isEqualTo(-1);
        }
        CompletableFuture<String> got = new CompletableFuture<>();
        WebSocket ws = client.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + edge.address().getPort() + "/ws/" + DoubleDoor.SOCKET),
                new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        got.complete(data.toString());
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        Thread.sleep(900); // three idle timeouts
        ws.sendText("still here", true).get(10, TimeUnit.SECONDS);
        assertThat(got.get(10, TimeUnit.SECONDS)).contains("still here");
        ws.abort();
    }

    @Test
    void connectionsOverTheLimitAreClosedOnArrival() throws Exception {
        rebind(HttpOptions.defaults().withMaxConnections(2));
        try (Socket a = socket(); Socket b = socket()) {
            send(a, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            send(b, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(Raw.read(a.getInputStream()).status()).isEqualTo(200);
            assertThat(Raw.read(b.getInputStream()).status()).isEqualTo(200);
            try (Socket c = socket()) {
                assertThat(c.getInputStream().read()).as("the third is closed at once").isEqualTo(-1);
            }
            assertThat(edge.refusedConnections()).isEqualTo(1);
        }
        OnLoop.waitUntil(() -> edge.openConnections() == 0, 10_000, () -> "connections closed");
        assertThat(get("/hello").statusCode()).as("served again below the limit").isEqualTo(200);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "no key | Sec-WebSocket-Version: 13 | needs a Sec-WebSocket-Key header",
        "version 12 | Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\\r\\nSec-WebSocket-Version: 12 | speaks WebSocket version 13",
    })
    void aBrokenUpgradeIs400AndNoObjectSeesASocket(String what, String headers, String expected) throws Exception {
        try (Socket s = socket()) {
            send(s, "GET /ws/" + DoubleDoor.SOCKET + " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + headers.replace("\\r\\n", "\r\n") + "\r\n\r\n");
            Raw answer = Raw.read(s.getInputStream());
            assertThat(answer.status()).isEqualTo(400);
            assertThat(answer.body()).contains(expected);
        }
        assertThat(door.events).as("no socket was adopted").isEmpty();
    }

    /**
     * Pipelining is bounded twice: past {@link HttpOptions#maxQueuedRequests()} the connection is not
     * read until answers go out, and Netty's decoder refuses more than 128 requests without an
     * answer (it closes the connection). 100 in one write: all answered, in order.
     */
    @Test
    void aHundredPipelinedRequestsInOneWriteAreAllAnsweredInOrder() throws Exception {
        int n = 100;
        try (Socket s = socket()) {
            StringBuilder burst = new StringBuilder();
            for (int i = 0; i < n; i++) burst.append("GET /echo?").append(i).append(" HTTP/1.1\r\nHost: x\r\n\r\n");
            send(s, burst.toString());
            InputStream in = new java.io.BufferedInputStream(s.getInputStream());
            for (int i = 0; i < n; i++) assertThat(Raw.read(in).body()).isEqualTo("GET /echo?" + i + " ");
        }
    }

    @Test
    void aPipelinedFloodIsAnsweredInOrderUntilTheConnectionIsClosed() throws Exception {
        int n = 5_000;
        int answered = 0;
        try (Socket s = socket()) {
            StringBuilder burst = new StringBuilder();
            for (int i = 0; i < n; i++) burst.append("GET /echo?").append(i).append(" HTTP/1.1\r\nHost: x\r\n\r\n");
            Thread writer = Thread.ofPlatform().daemon().start(() -> {
                try {
                    send(s, burst.toString());
                } catch (IOException e) {
                    // the node closed the connection mid-flood: what this test expects
                }
            });
            InputStream in = new java.io.BufferedInputStream(s.getInputStream());
            try {
                for (int i = 0; i < n; i++) {
                    assertThat(Raw.read(in).body()).isEqualTo("GET /echo?" + i + " ");
                    answered++;
                }
            } catch (AssertionError | IOException closed) {
                assertThat(closed.getMessage()).satisfiesAnyOf(
                        m -> assertThat(m).contains("closed before a response"), m -> assertThat(m).containsIgnoringCase("reset"));
            }
            writer.join(10_000);
        }
        assertThat(answered).as("answered in order before the cut").isGreaterThanOrEqualTo(16).isLessThan(n);
        OnLoop.waitUntil(() -> edge.clientFaults() >= 1, 10_000, () -> "the cut is counted as the client's fault, not logged: " + log);
        assertThat(get("/hello").statusCode()).as("others are served").isEqualTo(200);
    }

    // ---------------------------------------------------------------- a raw HTTP/1.1 client

    private Socket socket() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), edge.address().getPort());
        s.setSoTimeout(10_000);
        return s;
    }


    private static void send(Socket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** One response: status, lower-case headers, body of content-length bytes. */
    record Raw(int status, Map<String, String> headers, String body) {
        static Raw read(InputStream in) throws IOException {
            String statusLine = line(in);
            if (statusLine == null) throw new AssertionError("the connection closed before a response");
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            Map<String, String> headers = new TreeMap<>();
            for (String l = line(in); l != null && !l.isEmpty(); l = line(in)) {
                int colon = l.indexOf(':');
                headers.put(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
            }
            int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
            byte[] body = in.readNBytes(length);
            return new Raw(status, headers, new String(body, StandardCharsets.UTF_8));
        }

        private static String line(InputStream in) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) != -1) {
                if (c == '\n') break;
                if (c != '\r') b.write(c);
            }
            if (c == -1 && b.size() == 0) return null;
            return b.toString(StandardCharsets.ISO_8859_1);
        }
    }

}
