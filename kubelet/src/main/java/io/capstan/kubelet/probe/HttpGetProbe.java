package io.capstan.kubelet.probe;

import io.capstan.proto.api.v1.HttpGetAction;
import io.capstan.proto.api.v1.HttpHeader;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.jspecify.annotations.Nullable;

/**
 * An HTTP GET probe over a plain socket, one connection per attempt ("Connection: close", as
 * Kubernetes disables keep-alive for probes), so that the timeout bounds connect, TLS handshake,
 * request and response together and the Host header is ours to set. Mirrors Kubernetes'
 * pkg/probe/http: status 200-299 passes, 300-399 passes with a warning (a redirect not followed),
 * anything else fails with "HTTP probe failed with statuscode: N"; redirects (301, 302, 303, 307,
 * 308) are followed up to 10 times while they stay on the same host name; only the first 10 KiB of
 * the body are read; HTTPS certificates are not verified.
 *
 * <p>A Capstan extension: when the action has a {@code body_match}, the body is read up to 64 KiB
 * and a 2xx answer passes only if every rule of it holds (see {@link BodyMatcher}); a failing rule
 * fails the probe with a message naming it, e.g. {@code body at /users is null}. Without it the
 * behaviour is exactly Kubernetes'.
 */
final class HttpGetProbe {
    static final int MAX_BODY_BYTES = 10 * 1024;
    static final int MAX_MATCHED_BODY_BYTES = 64 * 1024;
    static final String USER_AGENT = "capstan-probe/1";
    private static final int MAX_LINE_BYTES = 8 * 1024;
    private static final int MAX_HEADER_LINES = 100;
    private static final int MAX_REDIRECTS = 10;
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z]+");

    ProbeResult probe(HttpGetAction action, ProbeTarget target, Duration timeout) {
        String host = action.getHost().isEmpty() ? target.hostAddress() : action.getHost();
        int port;
        try {
            port = target.hostPort(action.getPort());
        } catch (IllegalArgumentException e) {
            return ProbeResult.unknown(String.valueOf(e.getMessage()));
        }
        String scheme = action.getScheme() == HttpGetAction.Scheme.SCHEME_HTTPS ? "https" : "http";
        String path = action.getPath().startsWith("/") ? action.getPath() : "/" + action.getPath();
        URI first;
        try {
            first = new URI(scheme + "://" + DialErrors.hostPort(host, port) + path);
        } catch (URISyntaxException e) {
            return ProbeResult.unknown("httpGet: invalid URL: " + e.getMessage());
        }
        if (first.getHost() == null) {
            return ProbeResult.unknown("httpGet.host: invalid host \"" + host + "\"");
        }
        List<HttpHeader> headers = action.getHttpHeadersList();
        for (int i = 0; i < headers.size(); i++) {
            HttpHeader header = headers.get(i);
            if (!TOKEN.matcher(header.getName()).matches() || header.getValue().matches("(?s).*[\\r\\n\\x00].*")) {
                return ProbeResult.unknown("httpGet.httpHeaders[" + i + "]: invalid header " + header.getName());
            }
        }
        @Nullable String hostHeader = null;
        for (HttpHeader header : headers) {
            if (header.getName().equalsIgnoreCase("Host")) {
                hostHeader = header.getValue();
            }
        }

        @Nullable BodyMatcher matcher = null;
        if (action.hasBodyMatch()) {
            try {
                matcher = BodyMatcher.of(action.getBodyMatch());
            } catch (IllegalArgumentException e) {
                return ProbeResult.unknown("httpGet.bodyMatch: " + e.getMessage());
            }
        }
        int maxBodyBytes = matcher != null ? MAX_MATCHED_BODY_BYTES : MAX_BODY_BYTES;

        long deadline = System.nanoTime() + timeout.toNanos();
        URI current = first;
        for (int redirects = 0; ; redirects++) {
            Response response;
            try {
                response = get(
                        current,
                        hostHeader != null ? hostHeader : current.getRawAuthority(),
                        headers,
                        deadline,
                        maxBodyBytes);
            } catch (HttpError e) {
                return ProbeResult.failure("Get \"" + current + "\": " + e.getMessage());
            }
            String location = response.location();
            if (response.followable() && location != null) {
                URI relative;
                try {
                    relative = new URI(location.trim());
                } catch (URISyntaxException e) {
                    return ProbeResult.failure(
                            "Get \"" + current + "\": failed to parse Location header \"" + location + "\"");
                }
                URI next = current.resolve(relative);
                boolean web = "http".equalsIgnoreCase(next.getScheme()) || "https".equalsIgnoreCase(next.getScheme());
                if (web && next.getHost() != null && Objects.equals(next.getHost(), first.getHost())) {
                    if (redirects + 1 >= MAX_REDIRECTS) {
                        return ProbeResult.failure("Get \"" + next + "\": stopped after 10 redirects");
                    }
                    // As Go's client: a Host header set by the probe survives a relative redirect only.
                    if (relative.getHost() != null) {
                        hostHeader = null;
                    }
                    current = next;
                    continue;
                }
            }
            return verdict(response, matcher);
        }
    }

    private static ProbeResult verdict(Response response, @Nullable BodyMatcher matcher) {
        if (response.status() >= 200 && response.status() < 300) {
            if (matcher == null) {
                return ProbeResult.success(response.body());
            }
            String failure = matcher.failure(response.body());
            if (failure != null) {
                return ProbeResult.failure(failure);
            }
            String body = response.body();
            return ProbeResult.success(body.length() > MAX_BODY_BYTES ? body.substring(0, MAX_BODY_BYTES) : body);
        }
        if (response.status() >= 300 && response.status() < 400) {
            return ProbeResult.warning("Probe terminated redirects, Response body: " + response.body());
        }
        return ProbeResult.failure("HTTP probe failed with statuscode: " + response.status());
    }

    private record Response(int status, @Nullable String location, String body) {
        boolean followable() {
            return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
        }
    }

    /** A failed exchange; the message is Go's wording after {@code Get "url": }. */
    private static final class HttpError extends Exception {
        private static final long serialVersionUID = 1L;

        HttpError(String message) {
            super(message);
        }
    }

    private static Response get(URI uri, String hostHeader, List<HttpHeader> headers, long deadline, int maxBodyBytes)
            throws HttpError {
        String host = Objects.requireNonNull(uri.getHost(), "host");
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        boolean https = "https".equalsIgnoreCase(uri.getScheme());
        int port = uri.getPort() > 0 ? uri.getPort() : https ? 443 : 80;
        try (Socket raw = new Socket()) {
            InetSocketAddress address = new InetSocketAddress(host, port);
            try {
                if (address.isUnresolved()) {
                    throw new UnknownHostException(host);
                }
                raw.connect(address, remainingMillis(deadline));
            } catch (IOException e) {
                throw new HttpError(DialErrors.describe(host, port, e));
            }
            try (Socket socket = https ? handshake(raw, host, port, deadline) : raw) {
                writeRequest(socket.getOutputStream(), uri, hostHeader, headers);
                return readResponse(new DeadlineInput(socket, deadline), maxBodyBytes);
            }
        } catch (IOException e) {
            throw new HttpError(String.valueOf(e.getMessage()));
        }
    }

    private static Socket handshake(Socket raw, String host, int port, long deadline) throws HttpError {
        try {
            SSLSocket tls = (SSLSocket) InsecureTls.FACTORY.createSocket(raw, host, port, true);
            tls.setSoTimeout(remainingMillis(deadline));
            tls.startHandshake();
            return tls;
        } catch (SocketTimeoutException e) {
            throw new HttpError("net/http: TLS handshake timeout");
        } catch (IOException e) {
            throw new HttpError(String.valueOf(e.getMessage()));
        }
    }

    private static void writeRequest(OutputStream out, URI uri, String hostHeader, List<HttpHeader> headers)
            throws HttpError {
        String target = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) {
            target += "?" + uri.getRawQuery();
        }
        StringBuilder request = new StringBuilder();
        request.append("GET ").append(target).append(" HTTP/1.1\r\n");
        request.append("Host: ").append(hostHeader).append("\r\n");
        boolean userAgent = false;
        boolean accept = false;
        for (HttpHeader header : headers) {
            String name = header.getName();
            if (name.equalsIgnoreCase("Host") || name.equalsIgnoreCase("Connection")) {
                continue;
            }
            userAgent |= name.equalsIgnoreCase("User-Agent");
            if (name.equalsIgnoreCase("Accept")) {
                // Kubernetes drops an Accept header that the probe set to the empty string.
                accept = true;
                if (header.getValue().isEmpty()) {
                    continue;
                }
            }
            request.append(name).append(": ").append(header.getValue()).append("\r\n");
        }
        if (!userAgent) {
            request.append("User-Agent: ").append(USER_AGENT).append("\r\n");
        }
        if (!accept) {
            request.append("Accept: */*\r\n");
        }
        request.append("Connection: close\r\n\r\n");
        try {
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new HttpError(timedOut(e) ? awaitingHeaders() : String.valueOf(e.getMessage()));
        }
    }

    private static Response readResponse(DeadlineInput in, int maxBodyBytes) throws HttpError {
        int status;
        @Nullable String location = null;
        long contentLength = -1;
        boolean chunked = false;
        try {
            while (true) {
                String statusLine = in.readLine();
                if (statusLine == null) {
                    throw new HttpError("EOF");
                }
                status = parseStatus(statusLine);
                location = null;
                contentLength = -1;
                chunked = false;
                for (int lines = 0; ; lines++) {
                    String line = in.readLine();
                    if (line == null) {
                        throw new HttpError("unexpected EOF");
                    }
                    if (line.isEmpty()) {
                        break;
                    }
                    if (lines >= MAX_HEADER_LINES) {
                        throw new HttpError("net/http: server response headers exceeded limits");
                    }
                    int colon = line.indexOf(':');
                    if (colon <= 0) {
                        throw new HttpError(malformed(line));
                    }
                    String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                    String value = line.substring(colon + 1).trim();
                    switch (name) {
                        case "location" -> location = value;
                        case "content-length" -> contentLength = parseLength(value);
                        case "transfer-encoding" ->
                            chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                        default -> {}
                    }
                }
                // Interim responses (100 Continue, 103 Early Hints) precede the real one.
                if (status >= 200 || status == 101) {
                    break;
                }
            }
        } catch (IOException e) {
            throw new HttpError(timedOut(e) ? awaitingHeaders() : String.valueOf(e.getMessage()));
        }
        try {
            String body;
            if (status == 204 || status == 304 || status == 101) {
                body = "";
            } else if (chunked) {
                body = in.readChunked(maxBodyBytes);
            } else if (contentLength >= 0) {
                body = in.readUpTo(Math.min(contentLength, maxBodyBytes), true);
            } else {
                body = in.readUpTo(maxBodyBytes, false);
            }
            return new Response(status, location, body);
        } catch (IOException e) {
            throw new HttpError(
                    timedOut(e)
                            ? "context deadline exceeded (Client.Timeout or context cancellation while reading body)"
                            : String.valueOf(e.getMessage()));
        }
    }

    private static int parseStatus(String line) throws HttpError {
        String[] parts = line.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || parts[1].length() != 3) {
            throw new HttpError(malformed(line));
        }
        try {
            return Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new HttpError(malformed(line));
        }
    }

    private static long parseLength(String value) throws HttpError {
        try {
            long length = Long.parseLong(value);
            if (length < 0) {
                throw new HttpError("bad Content-Length \"" + value + "\"");
            }
            return length;
        } catch (NumberFormatException e) {
            throw new HttpError("bad Content-Length \"" + value + "\"");
        }
    }

    private static String malformed(String line) {
        String shown = line.length() > 100 ? line.substring(0, 100) : line;
        return "net/http: HTTP/1.x transport connection broken: malformed HTTP response \"" + shown + "\"";
    }

    private static String awaitingHeaders() {
        return "context deadline exceeded (Client.Timeout exceeded while awaiting headers)";
    }

    private static boolean timedOut(IOException e) {
        return e instanceof SocketTimeoutException;
    }

    static int remainingMillis(long deadlineNanos) throws SocketTimeoutException {
        long nanos = deadlineNanos - System.nanoTime();
        if (nanos <= 0) {
            throw new SocketTimeoutException("deadline passed");
        }
        return (int)
                Math.max(1, Math.min(Integer.MAX_VALUE, Duration.ofNanos(nanos).toMillis()));
    }

    /** The socket's input, buffered, each read bounded by what is left of the deadline. */
    private static final class DeadlineInput {
        private final Socket socket;
        private final InputStream in;
        private final long deadline;
        private final byte[] buffer = new byte[8192];
        private int position;
        private int limit;

        DeadlineInput(Socket socket, long deadline) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.deadline = deadline;
        }

        /** False at end of stream. */
        private boolean fill() throws IOException {
            if (position < limit) {
                return true;
            }
            socket.setSoTimeout(remainingMillis(deadline));
            int n = in.read(buffer, 0, buffer.length);
            if (n <= 0) {
                return false;
            }
            position = 0;
            limit = n;
            return true;
        }

        /** A line without its CRLF (or LF), or null at end of stream before any byte. */
        @Nullable
        String readLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            while (true) {
                if (!fill()) {
                    if (line.size() == 0) {
                        return null;
                    }
                    throw new EOFException("unexpected EOF");
                }
                byte b = buffer[position++];
                if (b == '\n') {
                    byte[] bytes = line.toByteArray();
                    int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                    return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
                }
                if (line.size() >= MAX_LINE_BYTES) {
                    throw new IOException("net/http: server response line longer than " + MAX_LINE_BYTES + " bytes");
                }
                line.write(b);
            }
        }

        /** Up to {@code count} bytes; end of stream before them is an error when {@code exact}. */
        String readUpTo(long count, boolean exact) throws IOException {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            readInto(body, count, exact);
            return body.toString(StandardCharsets.UTF_8);
        }

        private void readInto(ByteArrayOutputStream body, long count, boolean exact) throws IOException {
            long left = count;
            while (left > 0) {
                if (!fill()) {
                    if (exact) {
                        throw new EOFException("unexpected EOF");
                    }
                    return;
                }
                int n = (int) Math.min(left, limit - position);
                body.write(buffer, position, n);
                position += n;
                left -= n;
            }
        }

        /** The decoded body of a chunked response, up to {@code max} bytes. */
        String readChunked(int max) throws IOException {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (body.size() < max) {
                String sizeLine = readLine();
                if (sizeLine == null) {
                    throw new EOFException("unexpected EOF");
                }
                int semicolon = sizeLine.indexOf(';');
                String hex = (semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).trim();
                long size;
                try {
                    size = Long.parseLong(hex, 16);
                } catch (NumberFormatException e) {
                    throw new IOException("invalid byte in chunk length", e);
                }
                if (size <= 0) {
                    break;
                }
                long kept = Math.min(size, max - body.size());
                readInto(body, kept, true);
                if (kept < size) {
                    break; // the rest is not read: the connection is closed
                }
                readLine(); // the chunk's CRLF
            }
            return body.toString(StandardCharsets.UTF_8);
        }
    }

    /** A TLS client that accepts any certificate, as Kubernetes' HTTPS probes do. */
    private static final class InsecureTls {
        static final SSLSocketFactory FACTORY = create();

        private static SSLSocketFactory create() {
            try {
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, new TrustManager[] {new TrustAll()}, null);
                return context.getSocketFactory();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("TLS is not available in this JVM", e);
            }
        }
    }

    private static final class TrustAll extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
