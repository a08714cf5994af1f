package io.capstan.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DemoWebServerTest {
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private DemoWebServer server;

    private DemoWebServer start(String message, boolean usersNull) throws Exception {
        server = DemoWebServer.start(
                new InetSocketAddress("127.0.0.1", 0), "web-7d9f-abcde", message, usersNull, Duration.ZERO);
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.address().getPort() + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void rootAnswersWithThePodNameAndTheMessage() throws Exception {
        start("v2", false);
        HttpResponse<String> response = send("GET", "/");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hello from web-7d9f-abcde v2\n");
    }

    @Test
    void rootWithoutMessageIsTheGreetingAlone() throws Exception {
        start("", false);
        assertThat(send("GET", "/").body()).isEqualTo("hello from web-7d9f-abcde\n");
    }

    @Test
    void healthzIsOk() throws Exception {
        start("", false);
        HttpResponse<String> response = send("GET", "/healthz");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("ok\n");
    }

    @Test
    void usersIsAJsonListUntilSwitchedToNullAndBack() throws Exception {
        start("", false);
        HttpResponse<String> users = send("GET", "/users");
        assertThat(users.statusCode()).isEqualTo(200);
        assertThat(users.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(users.body()).startsWith("[{\"id\":1,\"name\":\"alice\"}");

        assertThat(send("POST", "/users/null").body()).isEqualTo("users-null=true\n");
        assertThat(send("GET", "/users").body()).isEqualTo("null\n");
        assertThat(server.isUsersNull()).isTrue();

        assertThat(send("POST", "/users/null").body()).isEqualTo("users-null=false\n");
        assertThat(send("GET", "/users").body()).isEqualTo(DemoWebServer.USERS_JSON + "\n");
    }

    @Test
    void usersStartsNullWhenAskedTo() throws Exception {
        start("", true);
        assertThat(send("GET", "/users").body()).isEqualTo("null\n");
    }

    @Test
    void unknownPathsAre404AndWrongMethods405() throws Exception {
        start("", false);
        assertThat(send("GET", "/nope").statusCode()).isEqualTo(404);
        assertThat(send("GET", "/users/null").statusCode()).isEqualTo(405);
        assertThat(send("DELETE", "/").statusCode()).isEqualTo(405);
        assertThat(server.requests()).isEqualTo(3);
    }

    @Test
    void apiCheckAnswersWithWhatTheUpstreamAnswers() throws Exception {
        try (DemoWebServer api = DemoWebServer.start(
                new InetSocketAddress("127.0.0.1", 0), "api-5c4b-xyz12", "api-v1", false, Duration.ZERO)) {
            URI upstream = URI.create("http://127.0.0.1:" + api.address().getPort());
            server = DemoWebServer.start(
                    new InetSocketAddress("127.0.0.1", 0), "front-1", "", false, Duration.ZERO, upstream);
            HttpResponse<String> response = send("GET", "/api-check");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("web front-1 -> hello from api-5c4b-xyz12 api-v1\n");
            assertThat(api.requests()).isEqualTo(1);
        }
    }

    @Test
    void apiCheckIs502WhenTheUpstreamRefuses() throws Exception {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        URI upstream = URI.create("http://127.0.0.1:" + closedPort + "/");
        server = DemoWebServer.start(
                new InetSocketAddress("127.0.0.1", 0), "front-1", "", false, Duration.ZERO, upstream);
        HttpResponse<String> response = send("GET", "/api-check");
        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.body()).startsWith("web front-1 -> http://127.0.0.1:" + closedPort + "/: ");
        assertThat(response.body()).contains("ConnectException");
    }

    @Test
    void apiCheckIs502WhenTheUpstreamAnswersAnError() throws Exception {
        try (DemoWebServer api =
                DemoWebServer.start(new InetSocketAddress("127.0.0.1", 0), "api-1", "", false, Duration.ZERO)) {
            // the upstream's "/" is found under a path prefix that does not exist there: 404
            URI upstream = URI.create("http://127.0.0.1:" + api.address().getPort() + "/missing");
            server = DemoWebServer.start(
                    new InetSocketAddress("127.0.0.1", 0), "front-1", "", false, Duration.ZERO, upstream);
            HttpResponse<String> response = send("GET", "/api-check");
            assertThat(response.statusCode()).isEqualTo(502);
            assertThat(response.body())
                    .isEqualTo("web front-1 -> " + upstream + "/: answered 404: not found: /missing/\n");
        }
    }

    @Test
    void apiCheckWithoutUpstreamIs404() throws Exception {
        start("", false);
        HttpResponse<String> response = send("GET", "/api-check");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).contains("--upstream");
    }

    @Test
    void closeStopsListening() throws Exception {
        start("", false);
        int port = server.address().getPort();
        server.close();
        server = null;
        try (java.net.ServerSocket socket = new java.net.ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", port)); // the port is free again
            assertThat(socket.getLocalPort()).isEqualTo(port);
        }
    }
}
