package io.aurigraph.standin;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.Instant;

/** One blacklisted token hash (token_blacklist row). */
@RegisterForReflection
public class BlacklistEntry {
    public String tokenHash;
    public String reason;
    public String blacklistedAt;
    public String expiresAt;

    public BlacklistEntry() {
    }

    public BlacklistEntry(String tokenHash, String reason, Instant at, Instant expires) {
        this.tokenHash = tokenHash;
        this.reason = reason;
        this.blacklistedAt = at.toString();
        this.expiresAt = expires.toString();
    }

    public boolean isExpired(Instant now) {
        return expiresAt != null && Instant.parse(expiresAt).isBefore(now);
    }
}
