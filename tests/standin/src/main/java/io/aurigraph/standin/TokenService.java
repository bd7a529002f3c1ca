package io.aurigraph.standin;

import com.fasterxml.jackson.core.type.TypeReference;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Authentication (configured bearer tokens, issued login tokens) and token administration. Token data lives
 * in a {@link TokenStore}; whitelist and audit log in the data directory. An in-memory snapshot of issued
 * tokens and blacklisted hashes serves request authentication without blocking the event loop.
 */
@ApplicationScoped
public class TokenService {
    private static final Logger LOG = Logger.getLogger("aurigraph-standin.tokens");
    public static final Pattern HASH = Pattern.compile("^[0-9a-f]{64}$");
    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    Node node;
    @Inject
    Database db;

    private volatile TokenStore store;
    private volatile Map<String, TokenRecord> byHash = Map.of();
    private volatile Set<String> blacklisted = Set.of();
    private final Set<String> staticTokens = new LinkedHashSet<>();
    private volatile Set<String> fileTokens = Set.of();
    private volatile long fileTokensMtime = -1;
    private final Map<String, String> users = new LinkedHashMap<>();
    private Map<String, Map<String, Object>> whitelist = new LinkedHashMap<>();
    private Map<String, List<Map<String, Object>>> audit = new LinkedHashMap<>();
    private final List<Consumer<Map<String, Object>>> listeners = new CopyOnWriteArrayList<>();
    private final Set<String> expiredNotified = ConcurrentHashMap.newKeySet();
    private ScheduledExecutorService ticker;
    private final long ttlSeconds = Env.getLong("AURIGRAPH_TOKEN_TTL_SECONDS", 3600);
    private final long blacklistTtlSeconds = Env.getLong("AURIGRAPH_BLACKLIST_TTL_SECONDS", 30L * 86400);

    /** Who a request is. tokenId is null for configured (static) API tokens. */
    public static final class Principal {
        public final String userId;
        public final String tokenId;

        Principal(String userId, String tokenId) {
            this.userId = userId;
            this.tokenId = tokenId;
        }
    }

    void onStart(@Observes @Priority(20) StartupEvent ev) {
        String env = Env.get("AURIGRAPH_API_TOKENS");
        if (env != null) {
            for (String t : env.split(",")) {
                if (!t.isBlank()) {
                    staticTokens.add(t.trim());
                }
            }
        }
        String u = Env.get("AURIGRAPH_USERS");
        if (u != null) {
            for (String pair : u.split(",")) {
                int i = pair.indexOf(':');
                if (i > 0) {
                    users.put(pair.substring(0, i).trim(), pair.substring(i + 1));
                }
            }
        }
        reloadTokenFile();
        Path dir = node.stateDir();
        Map<String, Map<String, Object>> w = StateFile.read(dir.resolve("whitelist.json"),
                new TypeReference<LinkedHashMap<String, Map<String, Object>>>() { });
        whitelist = w == null ? new LinkedHashMap<>() : w;
        Map<String, List<Map<String, Object>>> a = StateFile.read(dir.resolve("audit.json"),
                new TypeReference<LinkedHashMap<String, List<Map<String, Object>>>>() { });
        audit = a == null ? new LinkedHashMap<>() : a;
        if (db.configured()) {
            store = new JdbcTokenStore(db);
            db.onConnect(this::refresh);
        } else {
            store = new FileTokenStore(dir);
        }
        refresh();
        Instant now = Instant.now();
        for (TokenRecord t : byHash.values()) {
            if (t.isExpired(now)) {
                expiredNotified.add(t.tokenId);
            }
        }
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "token-ticker");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleWithFixedDelay(this::tick, 2, 2, TimeUnit.SECONDS);
        LOG.infof("Token service ready: %d configured API token(s), %d login user(s), token data in %s",
                staticTokens.size() + fileTokens.size(), users.size(), db.configured() ? "PostgreSQL" : dir);
    }

    void onStop(@Observes ShutdownEvent ev) {
        if (ticker != null) {
            ticker.shutdownNow();
        }
    }

    /** Every 2 s: re-read token data from PostgreSQL (it may change behind our back, e.g. a restore) and push
     * TOKEN_EXPIRED for active tokens that have just expired. */
    private void tick() {
        try {
            if (db.configured()) {
                refresh();
            }
            Instant now = Instant.now();
            for (TokenRecord t : byHash.values()) {
                if (!t.isRevoked() && t.isExpired(now) && expiredNotified.add(t.tokenId)) {
                    publish(Json.obj("action", "TOKEN_EXPIRED", "userId", t.userId, "tokenId", t.tokenId,
                            "expiredAt", t.expiresAt, "timestamp", System.currentTimeMillis()));
                }
            }
        } catch (RuntimeException e) {
            LOG.debug("token tick failed", e);
        }
    }

    /** Reload the authentication snapshot from the store (silently keeps the old one if the DB is down). */
    public void refresh() {
        TokenStore s = store;
        if (s == null) {
            return;
        }
        try {
            Map<String, TokenRecord> m = new HashMap<>();
            for (TokenRecord t : s.tokens()) {
                m.put(t.tokenHash, t);
            }
            Set<String> b = new HashSet<>();
            for (BlacklistEntry e : s.blacklist()) {
                b.add(e.tokenHash);
            }
            byHash = m;
            blacklisted = b;
        } catch (Database.UnavailableException e) {
            LOG.debugf("token snapshot not refreshed: %s", e.getMessage());
        }
    }

    private void reloadTokenFile() {
        String f = Env.get("AURIGRAPH_API_TOKENS_FILE");
        if (f == null) {
            return;
        }
        Path p = Paths.get(f);
        try {
            long mtime = Files.getLastModifiedTime(p).toMillis();
            if (mtime == fileTokensMtime) {
                return;
            }
            Set<String> s = new LinkedHashSet<>();
            for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                for (String t : line.split(",")) {
                    if (!t.isBlank()) {
                        s.add(t.strip());
                    }
                }
            }
            fileTokens = s;
            fileTokensMtime = mtime;
        } catch (IOException e) {
            if (fileTokensMtime != -2) {
                LOG.errorf("cannot read AURIGRAPH_API_TOKENS_FILE %s: %s", f, e.getMessage());
            }
            fileTokens = Set.of();
            fileTokensMtime = -2;
        }
    }

    // ---------------------------------------------------------------- authentication

    public Principal authenticate(String raw) {
        String hash = Seeds.sha256(raw);
        if (blacklisted.contains(hash)) {
            return null;
        }
        reloadTokenFile();
        if (staticTokens.contains(raw) || fileTokens.contains(raw)) {
            return new Principal("api-client", null);
        }
        TokenRecord t = byHash.get(hash);
        if (t != null && t.isActive(Instant.now())) {
            return new Principal(t.userId, t.tokenId);
        }
        return null;
    }

    public synchronized boolean isWhitelisted(String userId) {
        Map<String, Object> e = whitelist.get(userId);
        return e != null && Boolean.TRUE.equals(e.get("enabled"));
    }

    /** POST /auth/login: returns the raw token, or null for bad credentials. */
    public Map<String, Object> login(String email, String password, String ip) {
        String expected = users.get(email);
        if (expected == null || !expected.equals(password)) {
            return null;
        }
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        String raw = "aur_" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        Instant now = Instant.now();
        TokenRecord t = new TokenRecord();
        t.tokenId = "tok-" + UUID.randomUUID();
        t.userId = email;
        t.tokenHash = Seeds.sha256(raw);
        t.tokenType = "ACCESS";
        t.status = "ACTIVE";
        t.issuedAt = now.toString();
        t.expiresAt = now.plusSeconds(ttlSeconds).toString();
        t.lastUsedAt = now.toString();
        t.deviceId = "api-login";
        t.ipAddress = ip;
        store.insertToken(t);
        refresh();
        audit(email, "TOKEN_ISSUED", t.tokenId, "login");
        return Json.obj("token", raw, "tokenType", "Bearer", "tokenId", t.tokenId, "userId", email,
                "expiresIn", ttlSeconds, "expiresAt", t.expiresAt);
    }

    // ---------------------------------------------------------------- token administration

    public Map<String, Object> stats(String userId) {
        Instant now = Instant.now();
        int active = 0;
        int access = 0;
        int refresh = 0;
        int revoked = 0;
        int expired = 0;
        int total = 0;
        Set<String> devices = new HashSet<>();
        String lastUsed = null;
        for (TokenRecord t : store.tokens()) {
            if (!userId.equals(t.userId)) {
                continue;
            }
            total++;
            if (t.isRevoked()) {
                revoked++;
            } else if (t.isExpired(now)) {
                expired++;
            } else {
                active++;
                if ("REFRESH".equals(t.tokenType)) {
                    refresh++;
                } else {
                    access++;
                }
                if (t.deviceId != null) {
                    devices.add(t.deviceId);
                }
            }
            if (t.lastUsedAt != null && (lastUsed == null || t.lastUsedAt.compareTo(lastUsed) > 0)) {
                lastUsed = t.lastUsedAt;
            }
        }
        return Json.obj("userId", userId, "activeTokens", active, "accessTokens", access, "refreshTokens", refresh,
                "revokedTokens", revoked, "expiredTokens", expired, "uniqueDevices", devices.size(),
                "lastTokenUsed", lastUsed, "totalTokens", total);
    }

    public Map<String, Object> active(String userId, int page, int pageSize) {
        Instant now = Instant.now();
        List<Map<String, Object>> all = new ArrayList<>();
        for (TokenRecord t : store.tokens()) {
            if ((userId == null || userId.equals(t.userId)) && t.isActive(now)) {
                all.add(t.view(now, false));
            }
        }
        int from = Math.min(all.size(), page * pageSize);
        int to = Math.min(all.size(), from + pageSize);
        return Json.obj("userId", userId, "page", page, "pageSize", pageSize, "totalTokens", all.size(),
                "tokens", all.subList(from, to));
    }

    public TokenRecord find(String tokenId) {
        for (TokenRecord t : store.tokens()) {
            if (t.tokenId.equals(tokenId)) {
                return t;
            }
        }
        return null;
    }

    public Map<String, Object> details(String tokenId) {
        TokenRecord t = find(tokenId);
        if (t == null) {
            throw new ApiException(404, Json.obj("error", "Token not found"));
        }
        return t.view(Instant.now(), true);
    }

    public Map<String, Object> revoke(String tokenId, String reason) {
        TokenRecord t = find(tokenId);
        if (t == null) {
            throw new ApiException(404, Json.obj("error", "Token not found"));
        }
        boolean already = t.isRevoked();
        if (!already) {
            t.status = "REVOKED";
            t.revokedAt = Instant.now().toString();
            t.revokeReason = reason;
            store.updateToken(t);
            refresh();
            audit(t.userId, "TOKEN_REVOKED", tokenId, reason);
            publish(Json.obj("action", "TOKEN_REVOKED", "userId", t.userId, "tokenId", tokenId, "reason", reason,
                    "timestamp", System.currentTimeMillis()));
        }
        return Json.obj("tokenId", tokenId, "revoked", true, "alreadyRevoked", already,
                "reason", t.revokeReason, "revokedAt", t.revokedAt);
    }

    public Map<String, Object> revokeAll(String userId, String reason) {
        Instant now = Instant.now();
        int n = 0;
        for (TokenRecord t : store.tokens()) {
            if (userId.equals(t.userId) && t.isActive(now)) {
                t.status = "REVOKED";
                t.revokedAt = now.toString();
                t.revokeReason = reason;
                store.updateToken(t);
                n++;
            }
        }
        refresh();
        audit(userId, "ALL_TOKENS_REVOKED", null, reason + " (" + n + " tokens)");
        publish(Json.obj("action", "LOGOUT_ALL", "userId", userId, "reason", reason, "revokedCount", n,
                "timestamp", System.currentTimeMillis()));
        return Json.obj("userId", userId, "revokedCount", n, "reason", reason);
    }

    public synchronized Map<String, Object> audit(String userId, int limit) {
        List<Map<String, Object>> events = audit.getOrDefault(userId, List.of());
        List<Map<String, Object>> out = new ArrayList<>(events);
        Collections.reverse(out);
        if (out.size() > limit) {
            out = out.subList(0, limit);
        }
        return Json.obj("userId", userId, "count", out.size(), "events", out);
    }

    private synchronized void audit(String userId, String event, String tokenId, String details) {
        List<Map<String, Object>> l = audit.computeIfAbsent(userId, k -> new ArrayList<>());
        l.add(Json.obj("event", event, "tokenId", tokenId, "details", details, "timestamp", Instant.now().toString()));
        while (l.size() > 500) {
            l.remove(0);
        }
        StateFile.write(node.stateDir().resolve("audit.json"), audit);
    }

    public Map<String, Object> blacklistAdd(String hash, String reason) {
        Instant now = Instant.now();
        BlacklistEntry e = store.blacklistAdd(new BlacklistEntry(hash, reason, now, now.plusSeconds(blacklistTtlSeconds)));
        refresh();
        for (TokenRecord t : byHash.values()) {
            if (t.tokenHash.equals(hash)) {
                audit(t.userId, "TOKEN_BLACKLISTED", t.tokenId, reason);
            }
        }
        return Json.obj("tokenHash", hash, "blacklisted", true, "reason", e.reason, "blacklistedAt", e.blacklistedAt);
    }

    public Map<String, Object> blacklistCheck(String hash) {
        for (BlacklistEntry e : store.blacklist()) {
            if (e.tokenHash.equals(hash)) {
                return Json.obj("tokenHash", hash, "blacklisted", true, "reason", e.reason, "blacklistedAt",
                        e.blacklistedAt, "expiresAt", e.expiresAt);
            }
        }
        return Json.obj("tokenHash", hash, "blacklisted", false);
    }

    public Map<String, Object> blacklistRemove(String hash) {
        boolean removed = store.blacklistRemove(hash);
        refresh();
        return Json.obj("tokenHash", hash, "removed", removed);
    }

    public int blacklistSize() {
        return store.blacklist().size();
    }

    public int blacklistCleanup() {
        int n = store.blacklistDeleteExpired(Instant.now());
        refresh();
        return n;
    }

    public int cleanupExpired() {
        int n = store.deleteExpiredTokens(Instant.now());
        refresh();
        return n;
    }

    public synchronized Map<String, Object> whitelistAdd(String userId, boolean enabled) {
        whitelist.put(userId, Json.obj("enabled", enabled, "updatedAt", Instant.now().toString()));
        StateFile.write(node.stateDir().resolve("whitelist.json"), whitelist);
        return Json.obj("userId", userId, "enabled", enabled);
    }

    // ---------------------------------------------------------------- events for /ws/tokens

    public void addListener(Consumer<Map<String, Object>> l) {
        listeners.add(l);
    }

    private void publish(Map<String, Object> event) {
        for (Consumer<Map<String, Object>> l : listeners) {
            try {
                l.accept(event);
            } catch (RuntimeException e) {
                LOG.debug("listener failed", e);
            }
        }
    }
}
