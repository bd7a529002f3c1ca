package io.aurigraph.standin;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.Instant;
import java.util.Map;

/** One issued token (auth_tokens row). Times are ISO-8601 UTC strings. */
@RegisterForReflection
public class TokenRecord {
    public String tokenId;
    public String userId;
    public String tokenHash;
    public String tokenType; // ACCESS | REFRESH
    public String status; // ACTIVE | REVOKED | EXPIRED
    public String issuedAt;
    public String expiresAt;
    public String lastUsedAt;
    public String deviceId;
    public String ipAddress;
    public String revokedAt;
    public String revokeReason;

    public TokenRecord() {
    }

    public boolean isExpired(Instant now) {
        return "EXPIRED".equals(status) || (expiresAt != null && Instant.parse(expiresAt).isBefore(now));
    }

    public boolean isRevoked() {
        return "REVOKED".equals(status);
    }

    public boolean isActive(Instant now) {
        return !isRevoked() && !isExpired(now);
    }

    /** Status as seen now (ACTIVE tokens past their expiry report EXPIRED). */
    public String effectiveStatus(Instant now) {
        if (isRevoked()) {
            return "REVOKED";
        }
        return isExpired(now) ? "EXPIRED" : "ACTIVE";
    }

    public Map<String, Object> view(Instant now, boolean withHash) {
        Map<String, Object> m = Json.obj("tokenId", tokenId, "userId", userId, "tokenType", tokenType,
                "status", effectiveStatus(now), "issuedAt", issuedAt, "expiresAt", expiresAt,
                "lastUsedAt", lastUsedAt, "deviceId", deviceId, "ipAddress", ipAddress,
                "revokedAt", revokedAt, "revokeReason", revokeReason);
        if (withHash) {
            m.put("tokenHash", tokenHash);
        }
        return m;
    }

    public TokenRecord copy() {
        TokenRecord t = new TokenRecord();
        t.tokenId = tokenId;
        t.userId = userId;
        t.tokenHash = tokenHash;
        t.tokenType = tokenType;
        t.status = status;
        t.issuedAt = issuedAt;
        t.expiresAt = expiresAt;
        t.lastUsedAt = lastUsedAt;
        t.deviceId = deviceId;
        t.ipAddress = ipAddress;
        t.revokedAt = revokedAt;
        t.revokeReason = revokeReason;
        return t;
    }
}
