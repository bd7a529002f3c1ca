package io.aurigraph.standin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Map;
import java.util.regex.Pattern;

/** Decides, per /api/v11 request, whether to answer early (429, 500 flaky, 404 missing endpoint, 401). */
@ApplicationScoped
public class Security {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** The runbook (V11.4.4-Enhanced) token endpoints a real build lacks. */
    private static final Pattern RUNBOOK_TOKEN_PATHS = Pattern.compile(
            "^/api/v11/auth/tokens/(blacklist(/.*)?|cleanup|whitelist/add|stats)/?$");

    @Inject
    Node node;
    @Inject
    RateLimiter limiter;
    @Inject
    TokenService tokens;

    /** An early answer. body null = empty body. */
    public static final class Decision {
        public final int status;
        public final String body;

        Decision(int status, String body) {
            this.status = status;
            this.body = body;
        }
    }

    private static Decision json(int status, Map<String, Object> body) {
        try {
            return new Decision(status, MAPPER.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            return new Decision(status, "{\"error\":\"internal\"}");
        }
    }

    public static String clientKey(HttpServerRequest req) {
        String xff = req.getHeader("X-Forwarded-For");
        if (xff != null && !xff.isBlank()) {
            String first = xff.split(",")[0].trim();
            if (!first.isEmpty()) {
                return first;
            }
        }
        String real = req.getHeader("X-Real-IP");
        if (real != null && !real.isBlank()) {
            return real.trim();
        }
        return req.remoteAddress() == null ? "unknown" : req.remoteAddress().host();
    }

    public static String bearer(HttpServerRequest req) {
        String h = req.getHeader("Authorization");
        if (h == null) {
            return null;
        }
        h = h.trim();
        if (h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String t = h.substring(7).trim();
            return t.isEmpty() ? null : t;
        }
        return null;
    }

    static boolean isPublic(String path) {
        return path.equals("/api/v11/health") || path.equals("/api/v11/health/")
                || path.equals("/api/v11/info") || path.equals("/api/v11/info/")
                || path.startsWith("/api/v11/consensus/") || path.equals("/api/v11/consensus")
                || path.equals("/api/v11/auth/login") || path.equals("/api/v11/auth/login/");
    }

    public Decision decide(RoutingContext rc, String path) {
        HttpServerRequest req = rc.request();
        String raw = bearer(req);
        TokenService.Principal principal = raw == null ? null : tokens.authenticate(raw);
        boolean exempt = principal != null && tokens.isWhitelisted(principal.userId);
        if (!exempt) {
            long retry = limiter.acquire(clientKey(req));
            if (retry > 0) {
                return json(429, Json.obj("error", "Rate limit exceeded", "retryAfterSeconds", retry,
                        "rateLimit", limiter.limit(), "timestamp", System.currentTimeMillis()));
            }
        }
        if (node.inFlakyWindow()) {
            return json(500, Json.obj("error", "Internal Server Error",
                    "message", "Service is initialising (fault flaky)", "timestamp", System.currentTimeMillis()));
        }
        if (node.release().is("no-token-endpoints") && RUNBOOK_TOKEN_PATHS.matcher(path).matches()) {
            return new Decision(404, null);
        }
        if (node.release().quirk("missing-500") && RUNBOOK_TOKEN_PATHS.matcher(path).matches()) {
            // The real build answers 500 (not 404) for paths it lacks.
            return json(500, Json.obj("error", "Business operation failed"));
        }
        if (isPublic(path)) {
            return null;
        }
        if (node.release().quirk("jwt-401")) {
            // The real build: no token -> its own 401 body; any bearer token -> its JWT layer's empty 401.
            return raw == null ? json(401, Json.obj("error", "Missing Authorization header")) : new Decision(401, null);
        }
        if (raw == null) {
            return json(401, Json.obj("error", "Missing or invalid Authorization header (Bearer token required)",
                    "timestamp", System.currentTimeMillis()));
        }
        if (principal == null) {
            return json(401, Json.obj("error", "Invalid, expired or revoked token", "timestamp", System.currentTimeMillis()));
        }
        rc.put("principal", principal);
        return null;
    }
}
