package io.aurigraph.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.websockets.next.HandshakeRequest;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.OpenConnections;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * /ws/tokens: JSON text frames. PING -> PONG (no auth); SUBSCRIBE {userId, tokenId?} needs a session authenticated
 * at the handshake (?token=... or Authorization: Bearer ...) -> SUBSCRIBED, else ERROR; UNSUBSCRIBE -> UNSUBSCRIBED.
 * Subscribers receive TOKEN_REVOKED and LOGOUT_ALL events for their userId.
 */
@WebSocket(path = "/ws/tokens")
public class TokenSocket {
    private static final Logger LOG = Logger.getLogger("aurigraph-standin.ws");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** connection id -> session. */
    static final Map<String, Session> SESSIONS = new ConcurrentHashMap<>();

    static final class Session {
        volatile TokenService.Principal principal;
        volatile String userId;
        volatile String tokenId;
    }

    @Inject
    WebSocketConnection connection;
    @Inject
    TokenService tokens;

    /** Registers the event push once at start-up. */
    public static class Publisher {
        @Inject
        OpenConnections connections;
        @Inject
        TokenService tokens;

        void onStart(@Observes StartupEvent ev) {
            tokens.addListener(this::push);
        }

        private void push(Map<String, Object> event) {
            String json = write(event);
            for (WebSocketConnection c : connections.listAll()) {
                Session s = SESSIONS.get(c.id());
                if (s == null || s.userId == null || !s.userId.equals(event.get("userId"))) {
                    continue;
                }
                if (s.tokenId != null && event.get("tokenId") != null && !s.tokenId.equals(event.get("tokenId"))) {
                    continue;
                }
                c.sendText(json).subscribe().with(ok -> { }, err -> LOG.debugf("push failed: %s", err));
            }
        }
    }

    static String write(Map<String, Object> m) {
        try {
            return MAPPER.writeValueAsString(m);
        } catch (Exception e) {
            return "{\"action\":\"ERROR\",\"message\":\"serialisation failed\"}";
        }
    }

    private static String queryParam(String query, String name) {
        if (query == null) {
            return null;
        }
        for (String part : query.split("&")) {
            int i = part.indexOf('=');
            String k = i < 0 ? part : part.substring(0, i);
            if (k.equals(name)) {
                return URLDecoder.decode(i < 0 ? "" : part.substring(i + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    @OnOpen
    public void onOpen() {
        Session s = new Session();
        HandshakeRequest hr = connection.handshakeRequest();
        String raw = queryParam(hr.query(), "token");
        String auth = hr.header("Authorization");
        if ((raw == null || raw.isBlank()) && auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            raw = auth.substring(7).trim();
        }
        if (raw != null && !raw.isBlank()) {
            s.principal = tokens.authenticate(raw);
        }
        SESSIONS.put(connection.id(), s);
    }

    @OnClose
    public void onClose() {
        SESSIONS.remove(connection.id());
    }

    @OnTextMessage
    public String onMessage(String message) {
        Session s = SESSIONS.computeIfAbsent(connection.id(), k -> new Session());
        JsonNode msg;
        try {
            msg = MAPPER.readTree(message);
        } catch (Exception e) {
            return write(Json.obj("action", "ERROR", "message", "Invalid JSON message"));
        }
        String action = msg != null && msg.hasNonNull("action") ? msg.get("action").asText().toUpperCase(Locale.ROOT) : "";
        long now = System.currentTimeMillis();
        switch (action) {
            case "PING":
                return write(Json.obj("action", "PONG", "message", "pong", "timestamp", now));
            case "SUBSCRIBE": {
                if (s.principal == null) {
                    return write(Json.obj("action", "ERROR", "message",
                            "Authentication required: connect with ?token=<bearer> or an Authorization header", "timestamp", now));
                }
                String userId = msg.hasNonNull("userId") ? msg.get("userId").asText() : s.principal.userId;
                s.userId = userId;
                s.tokenId = msg.hasNonNull("tokenId") ? msg.get("tokenId").asText() : null;
                return write(Json.obj("action", "SUBSCRIBED", "message", "Subscribed to token events", "userId", userId,
                        "tokenId", s.tokenId, "timestamp", now));
            }
            case "UNSUBSCRIBE":
                s.userId = null;
                s.tokenId = null;
                return write(Json.obj("action", "UNSUBSCRIBED", "message", "Unsubscribed", "timestamp", now));
            default:
                return write(Json.obj("action", "ERROR", "message", "Unknown action '" + action
                        + "' (expected SUBSCRIBE, UNSUBSCRIBE or PING)", "timestamp", now));
        }
    }
}
