package io.aurigraph.standin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Deterministic seed data for token administration (written once, on first start / by migration V1). */
public final class Seeds {
    private Seeds() {
    }

    public static String sha256(String raw) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(raw.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static TokenRecord token(int n, String user, String type, String status, Instant issued, Duration ttl,
                                     String device) {
        TokenRecord t = new TokenRecord();
        t.tokenId = String.format("tok-seed-%04d", n);
        t.userId = user;
        t.tokenHash = sha256(String.format("seed-token-%04d", n));
        t.tokenType = type;
        t.status = status;
        t.issuedAt = issued.toString();
        t.expiresAt = issued.plus(ttl).toString();
        t.lastUsedAt = issued.plusSeconds(60).toString();
        t.deviceId = device;
        t.ipAddress = "10.0.0." + (10 + n);
        return t;
    }

    /** Seeded tokens: 3 active, 1 revoked, 3 expired (removed by the first POST /auth/tokens/cleanup). */
    public static List<TokenRecord> tokens(Instant now) {
        List<TokenRecord> l = new ArrayList<>();
        l.add(token(1, "admin@aurigraph.io", "ACCESS", "ACTIVE", now.minusSeconds(600), Duration.ofDays(30), "device-admin-laptop"));
        l.add(token(2, "admin@aurigraph.io", "REFRESH", "ACTIVE", now.minusSeconds(600), Duration.ofDays(60), "device-admin-laptop"));
        l.add(token(3, "operator@aurigraph.io", "ACCESS", "ACTIVE", now.minusSeconds(300), Duration.ofDays(30), "device-ops-1"));
        TokenRecord revoked = token(4, "operator@aurigraph.io", "ACCESS", "REVOKED", now.minusSeconds(7200), Duration.ofDays(30), "device-ops-2");
        revoked.revokedAt = now.minusSeconds(3600).toString();
        revoked.revokeReason = "seeded revocation";
        l.add(revoked);
        l.add(token(5, "admin@aurigraph.io", "ACCESS", "EXPIRED", now.minus(Duration.ofDays(2)), Duration.ofHours(1), "device-admin-phone"));
        l.add(token(6, "operator@aurigraph.io", "REFRESH", "EXPIRED", now.minus(Duration.ofDays(9)), Duration.ofDays(7), "device-ops-1"));
        l.add(token(7, "auditor@aurigraph.io", "ACCESS", "EXPIRED", now.minus(Duration.ofDays(3)), Duration.ofHours(1), "device-audit-1"));
        return l;
    }

    /** Seeded blacklist: 0001/0002 valid, 0003/0004 expired (removed by the first blacklist cleanup). */
    public static List<BlacklistEntry> blacklist(Instant now) {
        List<BlacklistEntry> l = new ArrayList<>();
        l.add(new BlacklistEntry(sha256("seed-blacklisted-0001"), "compromised credential", now.minusSeconds(3600), now.plus(Duration.ofDays(30))));
        l.add(new BlacklistEntry(sha256("seed-blacklisted-0002"), "user logout", now.minusSeconds(1800), now.plus(Duration.ofDays(30))));
        l.add(new BlacklistEntry(sha256("seed-blacklisted-0003"), "token expired", now.minus(Duration.ofDays(10)), now.minus(Duration.ofDays(1))));
        l.add(new BlacklistEntry(sha256("seed-blacklisted-0004"), "token expired", now.minus(Duration.ofDays(12)), now.minus(Duration.ofDays(2))));
        return l;
    }
}
