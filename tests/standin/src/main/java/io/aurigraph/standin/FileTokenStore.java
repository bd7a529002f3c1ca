package io.aurigraph.standin;

import com.fasterxml.jackson.core.type.TypeReference;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Token data in JSON files under AURIGRAPH_DATA_DIR/standin (used when DB_URL is not set). */
public class FileTokenStore implements TokenStore {
    private final Path tokensFile;
    private final Path blacklistFile;
    private final List<TokenRecord> tokens;
    private final List<BlacklistEntry> blacklist;

    public FileTokenStore(Path dir) {
        tokensFile = dir.resolve("tokens.json");
        blacklistFile = dir.resolve("blacklist.json");
        Instant now = Instant.now();
        List<TokenRecord> t = StateFile.read(tokensFile, new TypeReference<List<TokenRecord>>() { });
        if (t == null) {
            t = new ArrayList<>(Seeds.tokens(now));
            StateFile.write(tokensFile, t);
        }
        tokens = new ArrayList<>(t);
        List<BlacklistEntry> b = StateFile.read(blacklistFile, new TypeReference<List<BlacklistEntry>>() { });
        if (b == null) {
            b = new ArrayList<>(Seeds.blacklist(now));
            StateFile.write(blacklistFile, b);
        }
        blacklist = new ArrayList<>(b);
    }

    @Override
    public synchronized List<TokenRecord> tokens() {
        List<TokenRecord> l = new ArrayList<>();
        for (TokenRecord t : tokens) {
            l.add(t.copy());
        }
        return l;
    }

    @Override
    public synchronized void insertToken(TokenRecord t) {
        tokens.add(t.copy());
        StateFile.write(tokensFile, tokens);
    }

    @Override
    public synchronized void updateToken(TokenRecord t) {
        for (int i = 0; i < tokens.size(); i++) {
            if (tokens.get(i).tokenId.equals(t.tokenId)) {
                tokens.set(i, t.copy());
            }
        }
        StateFile.write(tokensFile, tokens);
    }

    @Override
    public synchronized int deleteExpiredTokens(Instant now) {
        int before = tokens.size();
        tokens.removeIf(t -> t.isExpired(now));
        int removed = before - tokens.size();
        if (removed > 0) {
            StateFile.write(tokensFile, tokens);
        }
        return removed;
    }

    @Override
    public synchronized List<BlacklistEntry> blacklist() {
        return new ArrayList<>(blacklist);
    }

    @Override
    public synchronized BlacklistEntry blacklistAdd(BlacklistEntry e) {
        for (BlacklistEntry b : blacklist) {
            if (b.tokenHash.equals(e.tokenHash)) {
                return b;
            }
        }
        blacklist.add(e);
        StateFile.write(blacklistFile, blacklist);
        return e;
    }

    @Override
    public synchronized boolean blacklistRemove(String hash) {
        boolean removed = blacklist.removeIf(b -> b.tokenHash.equals(hash));
        if (removed) {
            StateFile.write(blacklistFile, blacklist);
        }
        return removed;
    }

    @Override
    public synchronized int blacklistDeleteExpired(Instant now) {
        int before = blacklist.size();
        blacklist.removeIf(b -> b.isExpired(now));
        int removed = before - blacklist.size();
        if (removed > 0) {
            StateFile.write(blacklistFile, blacklist);
        }
        return removed;
    }
}
