package io.aurigraph.standin;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Fault "cwd-keystore" (or "real-quirks"): like the real build, write a key store relative to the working
 * directory at start-up (a literal "~" folder: ./~/.aurigraph/keys/node.key) and die when that fails
 * ("Key management initialization failed"), e.g. in a read-only release directory.
 */
@ApplicationScoped
public class KeyStoreQuirk {
    private static final Logger LOG = Logger.getLogger(KeyStoreQuirk.class);

    void onStart(@Observes @Priority(2) StartupEvent ev) {
        if (!ReleaseInfo.get().quirk("cwd-keystore")) {
            return;
        }
        Path keys = Paths.get("~", ".aurigraph", "keys").toAbsolutePath();
        try {
            Files.createDirectories(keys);
            Path key = keys.resolve("node.key");
            if (!Files.exists(key)) {
                Files.write(key, "standin-node-key\n".getBytes(StandardCharsets.UTF_8));
            }
            LOG.infof("key store at %s", keys);
        } catch (IOException | SecurityException e) {
            LOG.errorf("FATAL: Key management initialization failed: cannot write %s: %s", keys, e);
            throw new IllegalStateException("Key management initialization failed", e);
        }
    }
}
