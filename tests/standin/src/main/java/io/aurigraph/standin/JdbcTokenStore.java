package io.aurigraph.standin;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Token data in PostgreSQL tables auth_tokens and token_blacklist. */
public class JdbcTokenStore implements TokenStore {
    private static final String TOKEN_COLS = "token_id, user_id, token_hash, token_type, status, issued_at, expires_at,"
            + " last_used_at, device_id, ip_address, revoked_at, revoke_reason";
    private final Database db;

    public JdbcTokenStore(Database db) {
        this.db = db;
    }

    private static Timestamp ts(String iso) {
        return iso == null ? null : Timestamp.from(Instant.parse(iso));
    }

    private static String iso(Timestamp t) {
        return t == null ? null : t.toInstant().toString();
    }

    static void insert(Connection c, TokenRecord t) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO auth_tokens (" + TOKEN_COLS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, t.tokenId);
            ps.setString(2, t.userId);
            ps.setString(3, t.tokenHash);
            ps.setString(4, t.tokenType);
            ps.setString(5, t.status);
            ps.setTimestamp(6, ts(t.issuedAt));
            ps.setTimestamp(7, ts(t.expiresAt));
            ps.setTimestamp(8, ts(t.lastUsedAt));
            ps.setString(9, t.deviceId);
            ps.setString(10, t.ipAddress);
            ps.setTimestamp(11, ts(t.revokedAt));
            ps.setString(12, t.revokeReason);
            ps.executeUpdate();
        }
    }

    static void upsert(Connection c, BlacklistEntry b) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO token_blacklist (token_hash, reason, blacklisted_at, expires_at)"
                + " VALUES (?, ?, ?, ?) ON CONFLICT (token_hash) DO NOTHING")) {
            ps.setString(1, b.tokenHash);
            ps.setString(2, b.reason);
            ps.setTimestamp(3, ts(b.blacklistedAt));
            ps.setTimestamp(4, ts(b.expiresAt));
            ps.executeUpdate();
        }
    }

    @Override
    public List<TokenRecord> tokens() {
        return db.with(c -> {
            List<TokenRecord> l = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + TOKEN_COLS + " FROM auth_tokens ORDER BY issued_at, token_id");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    TokenRecord t = new TokenRecord();
                    t.tokenId = rs.getString(1);
                    t.userId = rs.getString(2);
                    t.tokenHash = rs.getString(3).trim();
                    t.tokenType = rs.getString(4);
                    t.status = rs.getString(5);
                    t.issuedAt = iso(rs.getTimestamp(6));
                    t.expiresAt = iso(rs.getTimestamp(7));
                    t.lastUsedAt = iso(rs.getTimestamp(8));
                    t.deviceId = rs.getString(9);
                    t.ipAddress = rs.getString(10);
                    t.revokedAt = iso(rs.getTimestamp(11));
                    t.revokeReason = rs.getString(12);
                    l.add(t);
                }
            }
            return l;
        });
    }

    @Override
    public void insertToken(TokenRecord t) {
        db.with(c -> {
            insert(c, t);
            return null;
        });
    }

    @Override
    public void updateToken(TokenRecord t) {
        db.with(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE auth_tokens SET status = ?, last_used_at = ?, revoked_at = ?,"
                    + " revoke_reason = ? WHERE token_id = ?")) {
                ps.setString(1, t.status);
                ps.setTimestamp(2, ts(t.lastUsedAt));
                ps.setTimestamp(3, ts(t.revokedAt));
                ps.setString(4, t.revokeReason);
                ps.setString(5, t.tokenId);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public int deleteExpiredTokens(Instant now) {
        return db.with(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM auth_tokens WHERE expires_at < ? OR status = 'EXPIRED'")) {
                ps.setTimestamp(1, Timestamp.from(now));
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public List<BlacklistEntry> blacklist() {
        return db.with(c -> {
            List<BlacklistEntry> l = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT token_hash, reason, blacklisted_at, expires_at FROM token_blacklist ORDER BY blacklisted_at");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    BlacklistEntry b = new BlacklistEntry();
                    b.tokenHash = rs.getString(1).trim();
                    b.reason = rs.getString(2);
                    b.blacklistedAt = iso(rs.getTimestamp(3));
                    b.expiresAt = iso(rs.getTimestamp(4));
                    l.add(b);
                }
            }
            return l;
        });
    }

    @Override
    public BlacklistEntry blacklistAdd(BlacklistEntry e) {
        db.with(c -> {
            upsert(c, e);
            return null;
        });
        for (BlacklistEntry b : blacklist()) {
            if (b.tokenHash.equals(e.tokenHash)) {
                return b;
            }
        }
        return e;
    }

    @Override
    public boolean blacklistRemove(String hash) {
        return db.with(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM token_blacklist WHERE token_hash = ?")) {
                ps.setString(1, hash);
                return ps.executeUpdate() > 0;
            }
        });
    }

    @Override
    public int blacklistDeleteExpired(Instant now) {
        return db.with(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM token_blacklist WHERE expires_at < ?")) {
                ps.setTimestamp(1, Timestamp.from(now));
                return ps.executeUpdate();
            }
        });
    }
}
