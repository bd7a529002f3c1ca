package io.aurigraph.standin;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;
import java.util.Map;

/** GET /api/v11/info and GET /api/v11/health. */
@Path("/api/v11")
@Produces(MediaType.APPLICATION_JSON)
public class InfoResource {
    @Inject
    Node node;
    @Inject
    Database db;

    @GET
    @Path("/info")
    public Map<String, Object> info() {
        ReleaseInfo r = node.release();
        String version = r.reportedVersion();
        String profile = Env.quarkus("quarkus.profile", "prod");
        return Json.obj(
                "platform", Json.obj("name", "Aurigraph V11", "version", version, "environment", profile,
                        "description", "Aurigraph DLT V11 high-performance platform (stand-in)"),
                "runtime", Json.obj("java_version", System.getProperty("java.version"),
                        "java_vendor", System.getProperty("java.vendor"),
                        "quarkus_version", r.quarkusVersion, "native_mode", false,
                        "uptime_seconds", node.uptimeSeconds(), "start_time", node.startTime().toString()),
                "features", Json.obj("consensus", "HyperRAFT++", "cryptography", "Quantum-Resistant (CRYSTALS-Kyber, Dilithium)",
                        "enabled_modules", List.of("token-management", "cross-chain-bridge", "consensus", "websocket", "oracle"),
                        "max_tps", 2000000, "ai_optimization", true, "quantum_resistant", true),
                "network", Json.obj("node_type", "VALIDATOR", "network_id", "aurigraph-mainnet",
                        "api_endpoint", "https://dlt.aurigraph.io/api/v11",
                        "ports", Json.obj("http", 9003, "grpc", 9004, "metrics", 9090)),
                "build", Json.obj("version", version, "build_timestamp", r.buildTimestamp,
                        "commit_hash", Env.get("GIT_COMMIT", "unknown"), "branch", r.branch, "build_type", "release"),
                "standin", Json.obj("artifact_version", r.version, "fault", r.fault, "fault_arg", r.faultArg,
                        "db_configured", db.configured()));
    }

    @GET
    @Path("/health")
    public Response health() {
        ReleaseInfo r = node.release();
        Database.Status dbs = db.status(node);
        if (r.is("health-quirk")) {
            // Real-build shape: checks as a map, never DOWN.
            return Json.ok(Json.obj("status", "UP", "timestamp", System.currentTimeMillis(), "version", r.reportedVersion(),
                    "uptime", node.uptimeSeconds(),
                    "checks", Json.obj("database", "UP", "redis", "UP", "consensus", "UP", "network", "UP")));
        }
        String dbStatus = dbs.up ? "UP" : "DOWN";
        String overall = dbs.up ? "UP" : "DOWN";
        Map<String, Object> body = Json.obj("status", overall,
                "checks", List.of(Json.obj("name", "Database", "status", dbStatus), Json.obj("name", "Redis", "status", "UP")));
        return Json.response(dbs.up ? 200 : 503, body);
    }
}
