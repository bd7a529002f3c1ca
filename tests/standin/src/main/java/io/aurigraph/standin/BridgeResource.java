package io.aurigraph.standin;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.Locale;
import java.util.Map;

/** /api/v11/bridge/* (protected by {@link HttpFilters}). */
@Path("/api/v11/bridge")
@Produces(MediaType.APPLICATION_JSON)
public class BridgeResource {
    @Inject
    BridgeService bridge;

    @GET
    @Path("/status/{bridgeId}")
    public Response status(@PathParam("bridgeId") String bridgeId) {
        if (!BridgeService.BRIDGES.containsKey(bridgeId)) {
            return Json.response(404, Json.obj("error", "Bridge not found", "bridgeId", bridgeId));
        }
        return Json.ok(bridge.bridgeStatus(bridgeId));
    }

    @GET
    @Path("/transfer/{transferId}/status")
    public Response transfer(@PathParam("transferId") String transferId) {
        Transfer t = bridge.get(transferId);
        if (t == null) {
            return Json.response(404, Json.obj("status", "ERROR", "message", "Transfer not found",
                    "timestamp", System.currentTimeMillis()));
        }
        return Json.ok(t.view());
    }

    @GET
    @Path("/transfers")
    public Map<String, Object> transfers(@QueryParam("status") String status, @QueryParam("bridgeId") String bridgeId,
                                         @QueryParam("offset") String offset, @QueryParam("limit") String limit) {
        String s = null;
        if (status != null && !status.isBlank()) {
            s = status.trim().toUpperCase(Locale.ROOT);
            if (!Transfer.STATUSES.contains(s)) {
                throw ApiException.badRequest("status must be one of " + Transfer.STATUSES);
            }
        }
        int off = TokenResource.intParam("offset", offset, 0);
        int lim = TokenResource.intParam("limit", limit, 100);
        if (off < 0 || lim < 1 || lim > 1000) {
            throw ApiException.badRequest("offset must be >= 0 and limit between 1 and 1000");
        }
        return bridge.list(s, bridgeId == null || bridgeId.isBlank() ? null : bridgeId.trim(), off, lim);
    }

    @POST
    @Path("/retry/{transferId}")
    public Map<String, Object> retry(@PathParam("transferId") String transferId) {
        return bridge.retry(transferId);
    }
}
