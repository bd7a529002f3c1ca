package io.aurigraph.standin;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

import java.util.Map;

/** The production health check names, for /q/health/live and /q/health/ready. */
public final class HealthChecks {
    private HealthChecks() {
    }

    static HealthCheckResponse build(String name, boolean up, Map<String, Object> data) {
        HealthCheckResponseBuilder b = HealthCheckResponse.named(name).status(up);
        if (data != null) {
            for (Map.Entry<String, Object> e : data.entrySet()) {
                Object v = e.getValue();
                if (v instanceof Boolean) {
                    b.withData(e.getKey(), (Boolean) v);
                } else if (v instanceof Number) {
                    b.withData(e.getKey(), ((Number) v).longValue());
                } else if (v != null) {
                    b.withData(e.getKey(), String.valueOf(v));
                }
            }
        }
        return b.build();
    }

    @Readiness
    @ApplicationScoped
    public static class DatabaseCheck implements HealthCheck {
        @Inject
        Database db;
        @Inject
        Node node;

        @Override
        public HealthCheckResponse call() {
            Database.Status s = db.status(node);
            return build("Database connections health check", s.up, s.data);
        }
    }

    @Readiness
    @ApplicationScoped
    public static class RedisCheck implements HealthCheck {
        @Override
        public HealthCheckResponse call() {
            return build("Redis connection health check", true, Map.of("mode", "standin-embedded"));
        }
    }

    @Readiness
    @ApplicationScoped
    public static class GrpcCheck implements HealthCheck {
        @Inject
        GrpcListener grpc;
        @Inject
        Node node;

        @Override
        public HealthCheckResponse call() {
            return build("gRPC Server", grpc.isBound(), Map.of("port", node.grpcPort()));
        }
    }

    @Readiness
    @ApplicationScoped
    public static class OracleCheck implements HealthCheck {
        @Override
        public HealthCheckResponse call() {
            return build("oracle-service", true, Map.of("activeOracles", 3));
        }
    }

    @Liveness
    @ApplicationScoped
    public static class AliveCheck implements HealthCheck {
        @Override
        public HealthCheckResponse call() {
            return HealthCheckResponse.up("alive");
        }
    }

    @Liveness
    @ApplicationScoped
    public static class RunningCheck implements HealthCheck {
        @Inject
        Node node;

        @Override
        public HealthCheckResponse call() {
            return build("Aurigraph V11 is running", true,
                    Map.of("version", node.release().reportedVersion(), "uptime_seconds", node.uptimeSeconds()));
        }
    }

    @Liveness
    @ApplicationScoped
    public static class WebsocketCheck implements HealthCheck {
        @Override
        public HealthCheckResponse call() {
            return build("websocket-service", true, Map.of("endpoint", "/ws/tokens"));
        }
    }

}
