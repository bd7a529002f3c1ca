package io.aurigraph.standin;

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
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Optional PostgreSQL connection (plain JDBC, one connection, no Quarkus datasource) with a versioned
 * schema migration. Configured by DB_URL / DB_USERNAME / DB_PASSWORD (or DB_PASSWORD_FILE). When the DB is
 * unreachable the service keeps running, readiness reports DOWN, and a monitor reconnects every 2 s.
 *
 * Migrations (table schema_version): V1 creates auth_tokens + token_blacklist and seeds them; V2 (applied by
 * releases >= 11.5.0 only) adds auth_tokens.client_fingerprint. A release older than the schema it finds
 * reports readiness DOWN until the database is restored.
 */
@ApplicationScoped
public class Database {
    private static final Logger LOG = Logger.getLogger("aurigraph-standin.db");
    public static final String V2_MIN_VERSION = "11.5.0";

    @Inject
    Node node;

    private final String url = Env.get("DB_URL");
    private final String user = Env.get("DB_USERNAME", Env.get("DB_USER"));
    private Connection conn;
    private volatile boolean connected;
    private volatile String lastError;
    private volatile int schemaVersion;
    private volatile int latestKnown;
    private volatile boolean schemaTooNew;
    private ScheduledExecutorService monitor;
    private final List<Runnable> onConnect = new CopyOnWriteArrayList<>();

    /** Result of the readiness check. */
    public static final class Status {
        public final boolean up;
        public final Map<String, Object> data;

        Status(boolean up, Map<String, Object> data) {
            this.up = up;
            this.data = data;
        }
    }

    public boolean configured() {
        return url != null;
    }

    void onStart(@Observes @Priority(10) StartupEvent ev) {
        latestKnown = ReleaseInfo.compareVersions(node.release().version, V2_MIN_VERSION) >= 0 ? 2 : 1;
        if (!configured()) {
            LOG.info("DB_URL not set: token data is kept in the data directory");
            return;
        }
        LOG.infof("Database configured: %s (user %s); latest schema version of this release: V%d", url, user, latestKnown);
        check();
        monitor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "db-monitor");
            t.setDaemon(true);
            return t;
        });
        monitor.scheduleWithFixedDelay(this::check, 2, 2, TimeUnit.SECONDS);
    }

    void onStop(@Observes ShutdownEvent ev) {
        if (monitor != null) {
            monitor.shutdownNow();
        }
        synchronized (this) {
            closeQuietly();
        }
    }

    /** Run after every (re)connection, e.g. to reload caches. */
    public void onConnect(Runnable r) {
        onConnect.add(r);
    }

    private String password() {
        String file = Env.get("DB_PASSWORD_FILE");
        if (file != null) {
            try {
                return Files.readString(Paths.get(file), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new IllegalStateException("cannot read DB_PASSWORD_FILE " + file + ": " + e.getMessage());
            }
        }
        return Env.get("DB_PASSWORD", "");
    }

    private void check() {
        boolean fresh;
        synchronized (this) {
            fresh = checkLocked();
        }
        if (fresh) {
            for (Runnable r : onConnect) {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    LOG.warn("post-connect hook failed", e);
                }
            }
        }
    }

    /** Validate or (re)open the connection; true when it was (re)established or the schema became usable. */
    private boolean checkLocked() {
        try {
            if (conn != null && conn.isValid(2)) {
                connected = true;
                if (!schemaTooNew) {
                    return false;
                }
                // the schema was too new: look again (restoring the pre-upgrade backup fixes it)
                migrate(conn);
                if (schemaTooNew) {
                    return false;
                }
                LOG.infof("Database schema is now V%d: supported by this release", schemaVersion);
                return true;
            }
            closeQuietly();
            Properties p = new Properties();
            if (user != null) {
                p.setProperty("user", user);
            }
            p.setProperty("password", password());
            p.setProperty("connectTimeout", "3");
            p.setProperty("socketTimeout", "10");
            p.setProperty("loginTimeout", "5");
            p.setProperty("ApplicationName", "aurigraph-v11-standin");
            Connection c = DriverManager.getConnection(url, p);
            c.setAutoCommit(true);
            conn = c;
            migrate(c);
            connected = true;
            lastError = null;
            LOG.infof("Database connection established (schema version V%d)", schemaVersion);
            return true;
        } catch (SQLException | RuntimeException e) {
            if (connected || lastError == null || !lastError.equals(e.getMessage())) {
                LOG.errorf("Database unavailable: %s", e.getMessage());
            }
            connected = false;
            lastError = String.valueOf(e.getMessage());
            closeQuietly();
            return false;
        }
    }

    private void closeQuietly() {
        if (conn != null) {
            try {
                conn.close();
            } catch (SQLException e) {
                LOG.debug("close", e);
            }
            conn = null;
        }
    }

    private void migrate(Connection c) throws SQLException {
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("SELECT pg_advisory_xact_lock(110044)");
            st.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, description VARCHAR(200) NOT NULL,"
                    + " applied_at TIMESTAMPTZ NOT NULL DEFAULT now(), applied_by VARCHAR(64) NOT NULL)");
            int current = 0;
            try (ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")) {
                if (rs.next()) {
                    current = rs.getInt(1);
                }
            }
            if (current > latestKnown) {
                c.commit();
                schemaVersion = current;
                schemaTooNew = true;
                LOG.errorf("Database schema version V%d is newer than this release (%s) supports (V%d): "
                        + "restore the database backup taken before the upgrade", current, node.release().version, latestKnown);
                return;
            }
            schemaTooNew = false;
            if (current < 1) {
                LOG.info("Applying migration V1: create auth_tokens, token_blacklist (with seed data)");
                st.execute("CREATE TABLE auth_tokens (token_id VARCHAR(64) PRIMARY KEY, user_id VARCHAR(255) NOT NULL,"
                        + " token_hash CHAR(64) NOT NULL UNIQUE, token_type VARCHAR(16) NOT NULL, status VARCHAR(16) NOT NULL,"
                        + " issued_at TIMESTAMPTZ NOT NULL, expires_at TIMESTAMPTZ NOT NULL, last_used_at TIMESTAMPTZ,"
                        + " device_id VARCHAR(128), ip_address VARCHAR(64), revoked_at TIMESTAMPTZ, revoke_reason VARCHAR(255))");
                st.execute("CREATE TABLE token_blacklist (token_hash CHAR(64) PRIMARY KEY, reason VARCHAR(255),"
                        + " blacklisted_at TIMESTAMPTZ NOT NULL, expires_at TIMESTAMPTZ NOT NULL)");
                Instant now = Instant.now();
                for (TokenRecord t : Seeds.tokens(now)) {
                    JdbcTokenStore.insert(c, t);
                }
                for (BlacklistEntry b : Seeds.blacklist(now)) {
                    JdbcTokenStore.upsert(c, b);
                }
                record(c, 1, "create auth_tokens and token_blacklist");
                current = 1;
            }
            if (current < 2 && latestKnown >= 2) {
                LOG.info("Applying migration V2: add auth_tokens.client_fingerprint");
                st.execute("ALTER TABLE auth_tokens ADD COLUMN client_fingerprint VARCHAR(128)");
                st.execute("CREATE INDEX idx_auth_tokens_user ON auth_tokens (user_id)");
                record(c, 2, "add auth_tokens.client_fingerprint");
                current = 2;
            }
            c.commit();
            schemaVersion = current;
        } catch (SQLException e) {
            try {
                c.rollback();
            } catch (SQLException e2) {
                LOG.debug("rollback", e2);
            }
            throw e;
        } finally {
            try {
                c.setAutoCommit(true);
            } catch (SQLException e) {
                LOG.debug("autocommit", e);
            }
        }
    }

    private void record(Connection c, int v, String desc) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO schema_version (version, description, applied_at, applied_by) VALUES (?, ?, ?, ?)")) {
            ps.setInt(1, v);
            ps.setString(2, desc);
            ps.setTimestamp(3, Timestamp.from(Instant.now()));
            ps.setString(4, node.release().version);
            ps.executeUpdate();
        }
    }

    /** Unit of JDBC work. */
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Raised when token data is needed but the database is not usable. */
    public static final class UnavailableException extends RuntimeException {
        public UnavailableException(String msg) {
            super(msg);
        }
    }

    public synchronized <T> T with(Work<T> work) {
        if (!connected || conn == null) {
            throw new UnavailableException("database unavailable: " + (lastError == null ? "not connected" : lastError));
        }
        if (schemaTooNew) {
            throw new UnavailableException("database schema V" + schemaVersion + " is newer than this release supports");
        }
        try {
            return work.run(conn);
        } catch (SQLException e) {
            LOG.errorf("Database error: %s", e.getMessage());
            try {
                if (!conn.isValid(1)) {
                    connected = false;
                    lastError = e.getMessage();
                    closeQuietly();
                }
            } catch (SQLException e2) {
                connected = false;
                closeQuietly();
            }
            throw new UnavailableException("database error: " + e.getMessage());
        }
    }

    public boolean usable() {
        return configured() && connected && !schemaTooNew;
    }

    public int schemaVersion() {
        return schemaVersion;
    }

    public Status status(Node n) {
        ReleaseInfo r = n.release();
        if (r.is("ready-down") || r.is("health-quirk")) {
            return new Status(false, Json.obj("configured", configured(), "error",
                    "Unable to acquire a connection from the pool (fault " + r.fault + ")"));
        }
        if (n.inFlakyWindow()) {
            return new Status(false, Json.obj("configured", configured(), "error",
                    "Connection pool warming up (fault flaky)"));
        }
        if (!configured()) {
            return new Status(true, Json.obj("configured", false));
        }
        Map<String, Object> data = Json.obj("configured", true, "connected", connected, "url", url,
                "schema_version", schemaVersion, "latest_schema_version", latestKnown);
        if (schemaTooNew) {
            data.put("error", "schema version V" + schemaVersion + " is newer than this release supports (V" + latestKnown
                    + "); restore the pre-upgrade database backup");
            return new Status(false, data);
        }
        if (!connected && lastError != null) {
            data.put("error", lastError);
        }
        return new Status(connected, data);
    }

    /** Applied migrations, for diagnostics. */
    public List<Integer> appliedVersions() {
        return with(c -> {
            List<Integer> l = new ArrayList<>();
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT version FROM schema_version ORDER BY version")) {
                while (rs.next()) {
                    l.add(rs.getInt(1));
                }
            }
            return l;
        });
    }
}
