package io.aurigraph.standin;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.util.UUID;

/**
 * Cross-cutting HTTP behaviour, as Vert.x route filters (so it covers /q/*, 404s and every error):
 * X-Correlation-Id on every response, the flaky / no-token-endpoints / ws-broken faults, the per-client rate limit on
 * /api/v11/*, and bearer authentication of protected /api/v11 paths; the runtime faults (RuntimeFaults: latency,
 * error ratio) on /api/v11/*.
 */
@ApplicationScoped
public class HttpFilters {
    public static final String CORRELATION = "X-Correlation-Id";
    static final String WS_PATH = "/ws/tokens";

    @Inject
    Node node;
    @Inject
    Security security;

    void register(@Observes Filters filters) {
        filters.register(this::handle, 1000);
    }

    void handle(RoutingContext rc) {
        HttpServerRequest req = rc.request();
        String cid = req.getHeader(CORRELATION);
        if (cid == null || cid.isBlank() || cid.length() > 200) {
            cid = UUID.randomUUID().toString();
        }
        rc.put("correlationId", cid);
        rc.response().putHeader(CORRELATION, cid);
        String path = req.path();
        if (WS_PATH.equals(path) && node.release().is("ws-broken")) {
            // The WebSocket endpoint is broken while everything else serves: the upgrade is refused.
            rc.response().setStatusCode(503).putHeader("Content-Type", "application/json")
                    .end("{\"error\":\"WebSocket endpoint unavailable\",\"message\":\"fault ws-broken\",\"timestamp\":"
                            + System.currentTimeMillis() + "}");
            return;
        }
        if (path == null || !path.startsWith("/api/v11/")) {
            rc.next();
            return;
        }
        long delay = RuntimeFaults.latencyMs();
        if (delay > 0) {
            rc.vertx().setTimer(delay, id -> api(rc, path));
            return;
        }
        api(rc, path);
    }

    private void api(RoutingContext rc, String path) {
        if (RuntimeFaults.failNow()) {
            rc.response().setStatusCode(500).putHeader("Content-Type", "application/json")
                    .end("{\"error\":\"Internal Server Error\",\"message\":\"runtime fault error_ratio\",\"timestamp\":"
                            + System.currentTimeMillis() + "}");
            return;
        }
        Security.Decision d = security.decide(rc, path);
        if (d == null) {
            rc.next();
            return;
        }
        rc.response().setStatusCode(d.status);
        if (d.body == null) {
            rc.response().putHeader("Content-Length", "0").end();
        } else {
            rc.response().putHeader("Content-Type", "application/json").end(d.body);
        }
    }
}
