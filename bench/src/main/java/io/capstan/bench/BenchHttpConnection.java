package io.capstan.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A kept-alive HTTP/1.1 connection sending {@code GET /} with Host bench.local and reading each
 * answer whole (Content-Length or chunked). Not thread-safe: one per load thread.
 */
final class BenchHttpConnection implements AutoCloseable {
    private static final byte[] REQUEST = ("GET / HTTP/1.1\r\nHost: " + IngressBench.HOST
                    + "\r\nUser-Agent: capstan-ingress-bench\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] buffer = new byte[16 * 1024];
    private int start;
    private int limit;

    BenchHttpConnection(InetSocketAddress address) throws IOException {
        socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) IngressBench.SOCKET_TIMEOUT.toMillis());
            socket.connect(address, (int) IngressBench.SOCKET_TIMEOUT.toMillis());
            in = socket.getInputStream();
            out = socket.getOutputStream();
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** Sends one request and reads its answer; returns the status code. */
    int get() throws IOException {
        out.write(REQUEST);
        out.flush();
        String statusLine = line();
        if (!statusLine.startsWith("HTTP/1.1 ") || statusLine.length() < 12) {
            throw new IOException("bad status line: " + statusLine);
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        boolean close = false;
        for (int headers = 0; ; headers++) {
            if (headers > 100) {
                throw new IOException("more than 100 header lines");
            }
            String header = line();
            if (header.isEmpty()) {
                break;
            }
            int colon = header.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = header.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
            switch (name) {
                case "content-length" -> length = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.contains("chunked");
                case "connection" -> close = value.contains("close");
                default -> {}
            }
        }
        if (chunked) {
            while (true) {
                String size = line();
                int semi = size.indexOf(';');
                long n = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
                if (n == 0) {
                    while (!line().isEmpty()) {
                        // trailers
                    }
                    break;
                }
                skip(n);
                line();
            }
        } else if (length > 0) {
            skip(length);
        } else if (length < 0) {
            throw new IOException("an answer without Content-Length or chunked encoding");
        }
        if (close) {
            throw new IOException("the server closed the connection (Connection: close)");
        }
        return status;
    }

    private String line() throws IOException {
        StringBuilder text = new StringBuilder();
        while (true) {
            if (start == limit) {
                fill();
            }
            byte b = buffer[start++];
            if (b == '\n') {
                int len = text.length();
                return len > 0 && text.charAt(len - 1) == '\r' ? text.substring(0, len - 1) : text.toString();
            }
            if (text.length() > 8192) {
                throw new IOException("a line longer than 8 KiB");
            }
            text.append((char) b);
        }
    }

    private void skip(long n) throws IOException {
        long left = n;
        while (left > 0) {
            if (start == limit) {
                fill();
            }
            int take = (int) Math.min(left, limit - start);
            start += take;
            left -= take;
        }
    }

    private void fill() throws IOException {
        int n = in.read(buffer, 0, buffer.length);
        if (n < 0) {
            throw new IOException("connection closed by the server");
        }
        start = 0;
        limit = n;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
