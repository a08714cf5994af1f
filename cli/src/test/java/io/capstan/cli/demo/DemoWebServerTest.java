package io.capstan.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

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
