package io.aurigraph.standin;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.Map;

/** Login and token administration under /api/v11/auth (authentication is enforced by {@link HttpFilters}). */
@Path("/api/v11/auth")
@Produces(MediaType.APPLICATION_JSON)
public class TokenResource {
    @Inject
    TokenService tokens;
    @Inject
    RateLimiter limiter;

    private static String text(JsonNode body, String field, boolean required) {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("request body must be a JSON object");
        }
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            if (required) {
                throw ApiException.badRequest(field + " is required");
            }
            return null;
        }
        if (!n.isTextual()) {
            throw ApiException.badRequest(field + " must be a string");
        }
        String s = n.asText().trim();
        if (required && s.isEmpty()) {
            throw ApiException.badRequest(field + " must not be empty");
        }
        return s;
    }

    private static String hash(JsonNode body) {
        String h = text(body, "tokenHash", true);
        if (!TokenService.HASH.matcher(h).matches()) {
            throw ApiException.badRequest("tokenHash must be 64 lowercase hex characters (SHA-256 of the token)");
        }
        return h;
    }

    static int intParam(String name, String value, int def) {
        if (value == null || value.isBlank()) {
            return def;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name + " must be an integer");
        }
    }

    private static String requireUser(String userId) {
        if (userId == null || userId.isBlank()) {
            throw ApiException.badRequest("userId is required");
        }
        return userId.trim();
    }

    @POST
    @Path("/login")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response login(JsonNode body, @Context HttpServerRequest req) {
        String email = text(body, "email", true);
        String password = text(body, "password", true);
        Map<String, Object> r = tokens.login(email, password, Security.clientKey(req));
        if (r == null) {
            return Json.error(401, "Invalid credentials");
        }
        return Json.ok(r);
    }

    // ------------------------------------------------------------ runbook (V11.4.4-Enhanced) endpoints

    @GET
    @Path("/tokens/stats")
    public Map<String, Object> stats(@QueryParam("userId") String userId) {
        return tokens.stats(requireUser(userId));
    }

    @POST
    @Path("/tokens/blacklist")
    @Consumes(MediaType.APPLICATION_JSON)
    public Map<String, Object> blacklist(JsonNode body) {
        String h = hash(body);
        String reason = text(body, "reason", false);
        return tokens.blacklistAdd(h, reason == null || reason.isEmpty() ? "manual" : reason);
    }

    @POST
    @Path("/tokens/blacklist/check")
    @Consumes(MediaType.APPLICATION_JSON)
    public Map<String, Object> check(JsonNode body) {
        return tokens.blacklistCheck(hash(body));
    }

    @POST
    @Path("/tokens/blacklist/remove")
    @Consumes(MediaType.APPLICATION_JSON)
    public Map<String, Object> remove(JsonNode body) {
        return tokens.blacklistRemove(hash(body));
    }

    @GET
    @Path("/tokens/blacklist/stats")
    public Map<String, Object> blacklistStats() {
        return Json.obj("blacklistedTokens", tokens.blacklistSize(), "activeRateLimits", limiter.activeClients(),
                "timestamp", System.currentTimeMillis());
    }

    @POST
    @Path("/tokens/blacklist/cleanup")
    public Map<String, Object> blacklistCleanup() {
        return Json.obj("removed", tokens.blacklistCleanup());
    }

    @POST
    @Path("/tokens/cleanup")
    public Map<String, Object> cleanup() {
        return Json.obj("removedCount", tokens.cleanupExpired());
    }

    @POST
    @Path("/tokens/whitelist/add")
    @Consumes(MediaType.APPLICATION_JSON)
    public Map<String, Object> whitelist(JsonNode body) {
        String user = text(body, "userId", true);
        JsonNode en = body.get("enabled");
        boolean enabled = true;
        if (en != null && !en.isNull()) {
            if (!en.isBoolean()) {
                throw ApiException.badRequest("enabled must be a boolean");
            }
            enabled = en.booleanValue();
        }
        return tokens.whitelistAdd(user, enabled);
    }

    // ------------------------------------------------------------ real-build endpoints

    @GET
    @Path("/tokens/active")
    public Map<String, Object> active(@QueryParam("userId") String userId, @QueryParam("page") String pageParam,
                                      @QueryParam("pageSize") String pageSizeParam) {
        int page = intParam("page", pageParam, 0);
        int pageSize = intParam("pageSize", pageSizeParam, 20);
        if (page < 0 || pageSize < 1 || pageSize > 1000) {
            throw ApiException.badRequest("page must be >= 0 and pageSize between 1 and 1000");
        }
        return tokens.active(userId == null || userId.isBlank() ? null : userId.trim(), page, pageSize);
    }

    @GET
    @Path("/tokens/{tokenId}/details")
    public Map<String, Object> details(@PathParam("tokenId") String tokenId) {
        return tokens.details(tokenId);
    }

    @DELETE
    @Path("/tokens/{tokenId}")
    public Map<String, Object> revoke(@PathParam("tokenId") String tokenId, @QueryParam("reason") String reason) {
        return tokens.revoke(tokenId, reason == null || reason.isBlank() ? "revoked by administrator" : reason);
    }

    @DELETE
    @Path("/tokens/all/{userId}")
    public Map<String, Object> revokeAll(@PathParam("userId") String userId, @QueryParam("reason") String reason) {
        return tokens.revokeAll(requireUser(userId), reason == null || reason.isBlank() ? "revoked by administrator" : reason);
    }

    @GET
    @Path("/tokens/audit/{userId}")
    public Map<String, Object> audit(@PathParam("userId") String userId, @QueryParam("limit") String limitParam) {
        int limit = intParam("limit", limitParam, 50);
        if (limit < 1 || limit > 1000) {
            throw ApiException.badRequest("limit must be between 1 and 1000");
        }
        return tokens.audit(requireUser(userId), limit);
    }
}
