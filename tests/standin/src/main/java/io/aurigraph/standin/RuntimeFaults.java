package io.aurigraph.standin;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Faults switched on and off while the service runs (for monitoring tests: an alert must fire when the fault
 * is on and resolve when it is off). Only when AURIGRAPH_STANDIN_RUNTIME_FAULTS=true; otherwise the endpoint
 * answers 404 and nothing changes.
 *
 * PUT /standin/runtime-faults {"error_ratio": 0..1, "latency_ms": n}; GET returns the current values.
 * error_ratio: that share of /api/v11/* requests answers 500 (HttpFilters); latency_ms: every /api/v11/*
 * request is delayed by that much before it is handled.
 */
@Path("/standin/runtime-faults")
@Produces(MediaType.APPLICATION_JSON)
public class RuntimeFaults {
    private static volatile double errorRatio;
    private static volatile long latencyMs;

    static boolean enabled() {
        return Env.getBool("AURIGRAPH_STANDIN_RUNTIME_FAULTS", false);
    }

    /** Delay to apply to an /api/v11/* request, in ms (0 = none). */
    static long latencyMs() {
        return latencyMs;
    }

    /** Whether this /api/v11/* request should fail with a 500. */
    static boolean failNow() {
        double r = errorRatio;
        return r > 0 && ThreadLocalRandom.current().nextDouble() < r;
    }

    private static Map<String, Object> current() {
        return Json.obj("error_ratio", errorRatio, "latency_ms", latencyMs);
    }

    @GET
    public Response get() {
        if (!enabled()) {
            return Response.status(404).build();
        }
        return Response.ok(current()).build();
    }

    @PUT
    public Response set(Map<String, Object> body) {
        if (!enabled()) {
            return Response.status(404).build();
        }
        Map<String, Object> b = body == null ? Map.of() : body;
        try {
            double ratio = Double.parseDouble(String.valueOf(b.getOrDefault("error_ratio", 0)));
            long latency = Long.parseLong(String.valueOf(b.getOrDefault("latency_ms", 0)));
            if (ratio < 0 || ratio > 1 || latency < 0 || latency > 60000) {
                throw new NumberFormatException("out of range");
            }
            errorRatio = ratio;
            latencyMs = latency;
        } catch (NumberFormatException e) {
            return Response.status(400).entity(Json.obj("error",
                    "error_ratio must be 0..1 and latency_ms 0..60000", "timestamp", System.currentTimeMillis())).build();
        }
        return Response.ok(current()).build();
    }
}
