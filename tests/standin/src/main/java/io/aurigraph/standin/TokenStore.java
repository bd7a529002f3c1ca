package io.aurigraph.standin;

import java.time.Instant;
import java.util.List;

/** Storage of token data: the data directory (FileTokenStore) or PostgreSQL (JdbcTokenStore). */
public interface TokenStore {
    List<TokenRecord> tokens();

    void insertToken(TokenRecord t);

    void updateToken(TokenRecord t);

    int deleteExpiredTokens(Instant now);

    List<BlacklistEntry> blacklist();

    /** Insert, or keep the existing entry; returns the stored entry. */
    BlacklistEntry blacklistAdd(BlacklistEntry e);

    boolean blacklistRemove(String hash);

    int blacklistDeleteExpired(Instant now);
}
