package dev.duro.cli.fuzz;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** One client connection of the fuzzer: blocking I/O with short waits, reset (no TIME_WAIT) on close. */
final class Probe implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private Probe(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new java.io.BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    static Probe open(InetSocketAddress address) throws IOException {
        Socket s = new Socket();
        s.setSoLinger(true, 0);
        s.setTcpNoDelay(true);
        s.connect(address, 5_000);
        return new Probe(s);
    }

    /** Writes everything; false when the node closed the connection meanwhile. */
    boolean send(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Reads one HTTP response (status line, headers, a Content-Length body) within {@code waitMillis}:
     * its status, or -1 when the node closed first, or 0 when nothing complete came in time.
     */
    int readResponse(long waitMillis) {
        try {
            socket.setSoTimeout((int) waitMillis);
            String status = line();
            if (status == null) return -1;
            String[] parts = status.split(" ");
            if (parts.length < 2 || !parts[0].startsWith("HTTP/")) return -1;
            int code = Integer.parseInt(parts[1]);
            long length = 0;
            for (String l = line(); l != null && !l.isEmpty(); l = line()) {
                int colon = l.indexOf(':');
                if (colon > 0 && l.substring(0, colon).trim().equalsIgnoreCase("content-length")) length = Long.parseLong(l.substring(colon + 1).trim());
            }
            if (code != 101) in.skipNBytes(length);
            return code;
        } catch (SocketTimeoutException e) {
            return 0;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** What the node sends next within {@code waitMillis}: a frame (or any byte), a close, or silence. */
    Outcome readAny(long waitMillis) {
        try {
            socket.setSoTimeout((int) waitMillis);
            return in.read() == -1 ? Outcome.CLOSED : Outcome.FRAME;
        } catch (SocketTimeoutException e) {
            return Outcome.SILENT;
        } catch (IOException e) {
            return Outcome.CLOSED;
        }
    }

    boolean isClosed() {
        return socket.isClosed();
    }

    private String line() throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') return b.toString();
            if (c != '\r') b.append((char) c);
            if (b.length() > 65_536) throw new IOException("header line over 64 KiB");
        }
        return b.isEmpty() ? null : b.toString();
    }

    static Outcome ofStatus(int status) {
        if (status == -1) return Outcome.CLOSED;
        if (status == 0) return Outcome.SILENT;
        if (status < 400) return Outcome.OK;
        return status < 500 ? Outcome.CLIENT_ERROR : Outcome.SERVER_ERROR;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // a reset socket: nothing left to release
        }
    }
}
