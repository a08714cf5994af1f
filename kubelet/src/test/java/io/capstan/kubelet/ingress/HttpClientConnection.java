package io.capstan.kubelet.ingress;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A minimal HTTP/1.1 client on one kept-alive socket, able to send any Host header (the JDK's
 * HttpClient refuses to). Reads answers with a Content-Length, as the proxy always sends.
 */
final class HttpClientConnection implements AutoCloseable {
    /** An answer: status, headers by lower-case name, body as text. */
    record Answer(int status, Map<String, String> headers, String body) {}

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    HttpClientConnection(InetSocketAddress address) throws IOException {
        socket = new Socket();
        socket.connect(address, 5000);
        socket.setSoTimeout(15_000);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** One request and its answer on a new connection. */
    static Answer send(InetSocketAddress address, String method, String host, String path) throws IOException {
        try (HttpClientConnection connection = new HttpClientConnection(address)) {
            return connection.request(method, host, path, Map.of());
        }
    }

    static Answer get(InetSocketAddress address, String host, String path) throws IOException {
        return send(address, "GET", host, path);
    }

    Answer request(String method, String host, String path, Map<String, String> headers) throws IOException {
        StringBuilder head = new StringBuilder()
                .append(method)
                .append(' ')
                .append(path)
                .append(" HTTP/1.1\r\nHost: ")
                .append(host)
                .append("\r\n");
        headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        if (method.equals("POST") || method.equals("PUT")) {
            head.append("Content-Length: 0\r\n");
        }
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        String statusLine = line();
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, String> answerHeaders = new LinkedHashMap<>();
        String line;
        while (!(line = line()).isEmpty()) {
            int colon = line.indexOf(':');
            answerHeaders.merge(
                    line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    line.substring(colon + 1).trim(),
                    (a, b) -> a + "," + b);
        }
        int length = Integer.parseInt(answerHeaders.getOrDefault("content-length", "0"));
        byte[] body = method.equals("HEAD") ? new byte[0] : in.readNBytes(length);
        return new Answer(status, answerHeaders, new String(body, StandardCharsets.UTF_8).trim());
    }

    private String line() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new IOException("connection closed by the proxy");
            }
            if (b != '\r') {
                bytes.write(b);
            }
        }
        return bytes.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
